package dev.artsched.cli;

import dev.artsched.scheduler.ArtScheduler;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every learned grid shipped in art-models loads by name through the SPI, is valid at its trained N and at
 * other N, and its provenance names the sha256 of the bundled model it was learned for.
 */
class BundledSchedulesTest {
    private static final Path DIR = Path.of("..", "models", "src", "main", "resources", "META-INF", "art", "schedules");

    @Test
    void shippedGridsLoadByNameAndMatchTheirModel() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceAll("\\.json$", "");
            TimestepScheduler s = TimestepSchedulers.create("art:name=" + name);
            ScheduleFile file = ((ArtScheduler) s).file();
            assertThat(file.name()).isEqualTo(name);
            for (int n = 1; n <= 60; n++) {
                Schedule.validate(s.schedule(n).sigmas());
            }
            assertThat(s.schedule(file.steps()).sigmas()).containsExactly(file.sigmas());
            Object model = file.training().get("model");
            Object sha = file.training().get("model_sha256");
            assertThat(model).as("%s: training.model", name).isNotNull();
            Path onnx = Path.of("..", "models", model.toString(), "denoiser.onnx");
            assertThat(onnx).as("%s: the model it was learned for", name).exists();
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(onnx)));
            assertThat(sha).as("%s: training.model_sha256", name).isEqualTo(actual);
        }
    }
}
