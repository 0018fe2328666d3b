package dev.artsched.examples;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.scheduler.TimestepScheduler;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resolves the api and the third-party plugin as real JPMS modules (module path, not classpath) and checks that
 * ServiceLoader finds the plugin's provider through its {@code module-info} {@code provides} clause, next to the
 * api's own built-ins.
 */
class ModulePathPluginTest {

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void pluginIsDiscoveredOnTheModulePath() throws Exception {
        Class<?> plugin = Class.forName("dev.artsched.examples.polyexp.PolyexponentialProvider");
        ModuleFinder finder = ModuleFinder.of(location(TimestepScheduler.class), location(plugin),
                location(ObjectMapper.class), location(JsonParser.class), location(JsonProperty.class));
        Configuration cf = ModuleLayer.boot().configuration()
                .resolveAndBind(finder, ModuleFinder.of(), Set.of("dev.artsched.examples.polyexp"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        assertThat(layer.findModule("dev.artsched.api")).isPresent();
        Class<?> spi = layer.findLoader("dev.artsched.api").loadClass("dev.artsched.scheduler.spi.TimestepSchedulerProvider");
        Set<String> names = new TreeSet<>();
        for (Object provider : java.util.ServiceLoader.load(layer, spi)) {
            names.add((String) spi.getMethod("name").invoke(provider));
            assertThat(provider.getClass().getModule().isNamed()).isTrue();
        }
        assertThat(names).contains("polyexp-plugin", "edm", "uniform", "exponential", "art");
    }
}
