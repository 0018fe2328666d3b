package dev.artsched.training.run;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Checkpoint sample() {
        return new Checkpoint("K=3", 42, -0.7, -0.75, 123456789L, 99L, 1.5,
                new double[][] {{1, 2}, {3}}, new double[][] {{4}}, new double[][] {{1}, {0.1}, {0.2}},
                new double[][] {{2}, {0.3}, {0.4}}, new double[][] {{1, 1, 1}}, 0.0625,
                new double[][] {{0, 5, 10}, {3, 2, 1}});
    }

    @Test
    void roundTripsEveryField() throws Exception {
        Path p = dir.resolve("ck.bin");
        sample().write(p);
        Checkpoint c = Checkpoint.read(p);
        assertThat(c.fingerprint()).isEqualTo("K=3");
        assertThat(c.iteration()).isEqualTo(42);
        assertThat(c.gamma()).isEqualTo(-0.7);
        assertThat(c.gamma0()).isEqualTo(-0.75);
        assertThat(c.rngState()).isEqualTo(123456789L);
        assertThat(c.calls()).isEqualTo(99L);
        assertThat(c.actor()).isDeepEqualTo(new double[][] {{1, 2}, {3}});
        assertThat(c.criticOpt()).isDeepEqualTo(new double[][] {{2}, {0.3}, {0.4}});
        assertThat(c.distill()).isDeepEqualTo(new double[][] {{1, 1, 1}});
        assertThat(c.lambda()).isEqualTo(0.0625);
        assertThat(c.prior()).isDeepEqualTo(new double[][] {{0, 5, 10}, {3, 2, 1}});
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(p);
        }
    }

    @Test
    void checkpointWithoutARecordedLambdaReadsAsNaN() throws Exception {
        // the layout written before the exploration level was recorded: the same body without the last double
        Path p = dir.resolve("old.bin");
        sample().write(p);
        byte[] all = Files.readAllBytes(p);
        byte[] body = java.util.Arrays.copyOf(all, all.length - 8 - 8 - 60);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(body);
        java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(body.length + 8).put(body).putLong(crc.getValue());
        Files.write(p, old.array());
        Checkpoint c = Checkpoint.read(p);
        assertThat(c.lambda()).isNaN();
        assertThat(c.prior()).isEmpty();
        assertThat(c.distill()).isDeepEqualTo(new double[][] {{1, 1, 1}});
        assertThat(c.iteration()).isEqualTo(42);
    }

    @Test
    void truncatedFlippedOrForeignFilesGiveOneClearError() throws Exception {
        Path p = dir.resolve("ck.bin");
        sample().write(p);
        byte[] good = Files.readAllBytes(p);

        Files.write(p, java.util.Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> Checkpoint.read(p)).isInstanceOf(ArtException.class)
                .hasMessageContaining("is unreadable").hasMessageContaining(Checkpoint.FORMAT);

        byte[] flipped = good.clone();
        flipped[good.length - 20] ^= 0x40;
        Files.write(p, flipped);
        assertThatThrownBy(() -> Checkpoint.read(p)).isInstanceOf(ArtException.class)
                .hasMessageContaining("CRC-32");

        Files.writeString(p, "{\"format\": \"art-schedule/1\"}");
        assertThatThrownBy(() -> Checkpoint.read(p)).isInstanceOf(ArtException.class)
                .hasMessageContaining("is unreadable");

        Files.write(p, new byte[0]);
        assertThatThrownBy(() -> Checkpoint.read(p)).isInstanceOf(ArtException.class)
                .hasMessageContaining("only 0 bytes");

        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("missing.bin"))).isInstanceOf(ArtException.class)
                .hasMessageContaining("cannot read checkpoint");
    }
}
