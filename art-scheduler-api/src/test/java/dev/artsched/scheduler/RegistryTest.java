package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegistryTest {

    /** A third-party provider, registered only in the plugin fixture's META-INF/services. */
    public static final class ThirdPartyProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "third-party";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("third-party", options, java.util.Set.of("top"));
            double top = o.number("top", 10);
            return new TimestepScheduler() {
                @Override
                public String name() {
                    return "third-party";
                }

                @Override
                public Schedule schedule(int steps) {
                    double[] s = new double[steps + 1];
                    for (int i = 0; i < steps; i++) {
                        s[i] = top / (i + 1);
                    }
                    return new Schedule("third-party", s, "test plugin");
                }
            };
        }
    }

    /** A provider whose constructor fails: the registry must skip it. */
    public static final class BrokenProvider implements TimestepSchedulerProvider {
        public BrokenProvider() {
            throw new IllegalStateException("boom");
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            throw new AssertionError();
        }
    }

    /** Claims the built-in name "edm": rejected as a duplicate. */
    public static final class DuplicateProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "edm";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            throw new AssertionError("the built-in edm must win");
        }
    }

    @Test
    void builtInsAreDiscovered() {
        assertThat(TimestepSchedulers.names()).contains("uniform", "edm", "exponential", "art");
        assertThat(TimestepSchedulers.create("edm").name()).startsWith("edm:rho=7.0");
    }

    @Test
    void thirdPartyProviderIsFoundByNameAndBrokenOnesAreSkippedWithALog() throws Exception {
        URL fixture = getClass().getResource("/plugin-fixture/");
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger jul = Logger.getLogger(TimestepSchedulers.class.getName());
        jul.addHandler(h);
        try (URLClassLoader cl = new URLClassLoader(new URL[] {fixture}, getClass().getClassLoader())) {
            TimestepSchedulers reg = TimestepSchedulers.load(cl);
            assertThat(reg.providerNames()).contains("third-party", "edm", "uniform").doesNotContain("broken");
            assertThat(reg.scheduler("third-party:top=6").schedule(3).sigmas()).containsExactly(6, 3, 2, 0);
            assertThat(reg.scheduler("edm").schedule(18).sigma(0)).isEqualTo(80.0);
        } finally {
            jul.removeHandler(h);
        }
        assertThat(records).extracting(LogRecord::getMessage)
                .anySatisfy(m -> assertThat(m).contains("failed to load").contains("BrokenProvider"))
                .anySatisfy(m -> assertThat(m).contains("duplicate scheduler name 'edm'").contains("DuplicateProvider"));
    }

    @Test
    void explicitRegistryRejectsDuplicates() {
        assertThatThrownBy(() -> TimestepSchedulers.of(List.of(new EdmScheduler.Provider(), new DuplicateProvider())))
                .hasMessageContaining("duplicate scheduler name 'edm'");
    }

    @Test
    void specParsingAndErrors() {
        TimestepSchedulers.Spec s = TimestepSchedulers.Spec.parse(" edm : rho = 7 , sigma_max=80 ");
        assertThat(s.name()).isEqualTo("edm");
        assertThat(s.options()).containsExactly(Map.entry("rho", "7"), Map.entry("sigma_max", "80"));
        assertThat(TimestepSchedulers.Spec.parse("art:path=/tmp/a:b.json").options()).containsEntry("path", "/tmp/a:b.json");
        assertThatThrownBy(() -> TimestepSchedulers.create("nope")).hasMessageContaining("unknown scheduler 'nope'")
                .hasMessageContaining("edm");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho")).hasMessageContaining("key=value");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho=1,rho=2")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> TimestepSchedulers.create(" ")).hasMessageContaining("empty");
    }

    @Test
    void defaultComesFromTheSystemProperty() {
        String old = System.getProperty(TimestepSchedulers.DEFAULT_PROPERTY);
        try {
            System.clearProperty(TimestepSchedulers.DEFAULT_PROPERTY);
            assertThat(TimestepSchedulers.fromSystemProperty().name()).startsWith("edm");
            System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, "uniform:sigma_max=3");
            assertThat(TimestepSchedulers.fromSystemProperty().schedule(3).sigmas()).containsExactly(3, 2, 1, 0);
        } finally {
            if (old == null) {
                System.clearProperty(TimestepSchedulers.DEFAULT_PROPERTY);
            } else {
                System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, old);
            }
        }
    }
}
