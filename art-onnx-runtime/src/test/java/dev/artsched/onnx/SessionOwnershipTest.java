package dev.artsched.onnx;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions and their options are created in one place ({@link OrtSessions}) and no main class grows past 400 lines. */
class SessionOwnershipTest {
    private static final Path MAIN = Path.of("src", "main", "java");

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void onlyOrtSessionsCreatesSessionsAndOptions() throws IOException {
        List<Path> sources = sources();
        assertThat(sources).isNotEmpty();
        for (Path p : sources) {
            String text = Files.readString(p);
            boolean creates = text.contains("createSession(") || text.contains("new OrtSession.SessionOptions")
                    || text.contains("new SessionOptions");
            assertThat(creates).as("%s creates a session or session options", p)
                    .isEqualTo(p.getFileName().toString().equals("OrtSessions.java"));
        }
    }

    @Test
    void noMainClassExceedsFourHundredLines() throws IOException {
        for (Path p : sources()) {
            assertThat(Files.readAllLines(p)).as("lines of %s", p).hasSizeLessThanOrEqualTo(400);
        }
    }
}
