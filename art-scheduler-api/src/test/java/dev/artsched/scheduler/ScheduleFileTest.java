package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryKnownAndUnknownField() throws IOException {
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("seed", 7);
        training.put("finalGamma", -0.71);
        training.put("hyperparameters", Map.of("lambda", 0.1, "batch", 16));
        Path p = dir.resolve("g.json");
        ScheduleFile f = new ScheduleFile("g", new double[] {3, 0.72, 0}, Solver.EULER, 0.002, 3.0, "art-rl",
                training, Map.of("comment", "kept", "tags", List.of("a", "b")));
        f.write(p);
        ScheduleFile back = ScheduleFile.read(p);
        assertThat(back).isEqualTo(f);
        assertThat(back.steps()).isEqualTo(2);
        assertThat(back.extra()).containsEntry("comment", "kept");
        String json = Files.readString(p);
        assertThat(json).contains("\"format\" : \"art-schedule/1\"").contains("\"steps\" : 2")
                .contains("\"solver\" : \"euler\"");
        // rewrite of a file with unknown fields keeps them
        ScheduleFile.read(p).write(p);
        assertThat(ScheduleFile.read(p)).isEqualTo(f);
        assertThat(Files.list(dir)).containsExactly(p);
    }

    @Test
    void minimalFileReads() throws IOException {
        Path p = dir.resolve("m.json");
        Files.writeString(p, "{\"format\":\"art-schedule/1\",\"name\":\"ays\",\"sigmas\":[14.6,1,0.03,0]}");
        ScheduleFile f = ScheduleFile.read(p);
        assertThat(f.solver()).isNull();
        assertThat(f.method()).isEqualTo("unknown");
        assertThat(f.toSchedule().sigmas()).containsExactly(14.6, 1, 0.03, 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad json|{\"format\":\"art-schedule/1\",|malformed JSON",
        "empty|'' |empty file",
        "array root|[1,2]|expected a JSON object",
        "no format|{\"name\":\"x\",\"sigmas\":[1,0]}|missing \"format\"",
        "wrong format|{\"format\":\"art-schedule/2\",\"name\":\"x\",\"sigmas\":[1,0]}|expected \"format\": \"art-schedule/1\"",
        "no name|{\"format\":\"art-schedule/1\",\"sigmas\":[1,0]}|missing \"name\"",
        "no sigmas|{\"format\":\"art-schedule/1\",\"name\":\"x\"}|missing \"sigmas\"",
        "sigmas not array|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":3}|must be an array",
        "too few|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[0]}|at least 2 sigmas",
        "not decreasing|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[1,2,0]}|sigma[1] = 2.0",
        "NaN literal|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[NaN,0]}|malformed JSON",
        "NaN string|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[\"NaN\",0]}|sigma[0] must be a number",
        "negative|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[2,-1,0]}|sigma[1] must be > 0",
        "missing 0|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[2,1]}|must be 0",
        "steps mismatch|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"steps\":5,\"sigmas\":[2,1,0]}|\"steps\" must equal",
        "bad solver|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"solver\":\"rk4\",\"sigmas\":[2,0]}|unknown solver 'rk4'",
        "duplicate key|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"name\":\"y\",\"sigmas\":[2,0]}|malformed JSON",
        "training not object|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[2,0],\"training\":[]}|\"training\" must be an object",
        "huge number|{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[1e999,0]}|sigma[0] must be finite",
    })
    void malformedFilesGetOneClearErrorNamingTheFile(String label, String content, String expected) throws IOException {
        Path p = dir.resolve("bad.json");
        Files.writeString(p, content.trim().equals("''") ? "" : content, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ScheduleFile.read(p))
                .isInstanceOf(ArtException.class)
                .hasMessageStartingWith("schedule file " + p)
                .hasMessageContaining(expected);
    }

    @Test
    void hostileInputsAreBounded() throws IOException {
        Path deep = dir.resolve("deep.json");
        Files.writeString(deep, "{\"format\":\"art-schedule/1\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertThatThrownBy(() -> ScheduleFile.read(deep)).hasMessageContaining("malformed JSON")
                .hasMessageContaining("nesting");
        Path huge = dir.resolve("huge.json");
        StringBuilder sb = new StringBuilder("{\"format\":\"art-schedule/1\",\"name\":\"x\",\"sigmas\":[");
        for (int i = 200_000; i > 0; i--) {
            sb.append(i).append(',');
        }
        sb.append("0]}");
        Files.writeString(huge, sb);
        assertThatThrownBy(() -> ScheduleFile.read(huge)).hasMessageContaining("at most 100001 values");
        assertThatThrownBy(() -> ScheduleFile.read(dir)).hasMessageContaining("found a directory");
    }

    @Test
    void failedWritesReportTheCauseAndLeaveNoPartialFile() throws IOException {
        ScheduleFile f = ScheduleFile.of(Schedule.of("a", 2, 1, 0), Solver.HEUN, "test", Map.of());
        Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> f.write(blocker.resolve("g.json"))).isInstanceOf(ArtException.class)
                .hasMessageContaining("cannot write schedule file").hasMessageContaining("not-a-dir");
        // a directory at the target is refused before anything is written: nothing is replaced, no temp file remains
        Path target = Files.createDirectory(dir.resolve("target.json"));
        Files.writeString(target.resolve("keep"), "earlier");
        assertThatThrownBy(() -> f.write(target)).hasMessageContaining("is a directory; expected a regular file");
        assertThat(Files.readString(target.resolve("keep"))).isEqualTo("earlier");
        try (var files = Files.list(dir)) {
            assertThat(files.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("not-a-dir", "target.json");
        }
    }
}
