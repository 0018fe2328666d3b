package dev.artsched.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndRemovesOnlyItsOwnStaleTemporaries() throws IOException {
        Path target = dir.resolve("run.ckpt");
        AtomicFiles.write(target, new byte[] {1, 2, 3}, "checkpoint");
        AtomicFiles.write(target, new byte[] {4}, "checkpoint");
        assertThat(Files.readAllBytes(target)).containsExactly(4);
        // what a kill -9 during a write leaves behind, next to unrelated files
        Files.writeString(dir.resolve(".run.ckpt.12345.tmp"), "partial");
        Files.writeString(dir.resolve(".run.ckpt.999.tmp"), "partial");
        Files.writeString(dir.resolve(".other.json.1.tmp"), "someone else's");
        Files.writeString(dir.resolve("run.ckpt.tmp.keep"), "not ours");
        assertThat(AtomicFiles.removeTemporaries(target)).isEqualTo(2);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("run.ckpt", ".other.json.1.tmp", "run.ckpt.tmp.keep");
        }
        assertThat(AtomicFiles.removeTemporaries(dir.resolve("missing/x.json"))).isZero();
    }
}
