package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureStatsFileTest {
    @TempDir
    Path dir;

    private static GaussianStats sample(int d) {
        SplittableRandom rng = new SplittableRandom(d);
        int n = 50;
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) rng.nextGaussian();
        }
        return GaussianStats.of(f, n, d);
    }

    @Test
    void binaryRoundTripIsExact() {
        GaussianStats s = sample(5);
        Path file = dir.resolve("sub/ref.fidstats");
        FeatureStatsFile.write(file, s);
        assertThat(FeatureStatsFile.read(file)).isEqualTo(s);
        assertThat(file).exists();
        assertThat(dir.resolve("sub").toFile().list()).containsExactly("ref.fidstats");
    }

    @Test
    void jsonRoundTripIsExact() throws IOException {
        GaussianStats s = sample(3);
        Path file = dir.resolve("ref.json");
        FeatureStatsFile.write(file, s);
        assertThat(Files.readString(file)).contains("\"format\" : \"art-fid-stats/1\"");
        assertThat(FeatureStatsFile.read(file)).isEqualTo(s);
    }

    @Test
    void badFilesGiveClearErrors() throws IOException {
        Path missing = dir.resolve("nope.fidstats");
        assertThatThrownBy(() -> FeatureStatsFile.read(missing)).isInstanceOf(ArtException.class)
                .hasMessageContaining("does not exist");

        Path garbage = dir.resolve("garbage.bin");
        Files.writeString(garbage, "hello world, not stats", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> FeatureStatsFile.read(garbage)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected the header ARTFIDS1").hasMessageContaining("found 'hello wo'");

        Path good = dir.resolve("good.bin");
        FeatureStatsFile.write(good, sample(4));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.bin");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 8));
        assertThatThrownBy(() -> FeatureStatsFile.read(truncated)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected " + bytes.length + " bytes for dimension 4");

        Path badJson = dir.resolve("bad.json");
        Files.writeString(badJson, "{\"format\": \"art-fid-stats/1\", \"mean\": [1, 2");
        assertThatThrownBy(() -> FeatureStatsFile.read(badJson)).isInstanceOf(ArtException.class)
                .hasMessageContaining("not valid JSON");

        Path wrongFormat = dir.resolve("wrong.json");
        Files.writeString(wrongFormat, "{\"format\": \"other\"}");
        assertThatThrownBy(() -> FeatureStatsFile.read(wrongFormat)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected \"format\": \"art-fid-stats/1\", found \"other\"");

        Path asym = dir.resolve("asym.json");
        Files.writeString(asym, "{\"format\": \"art-fid-stats/1\", \"count\": 3, \"mean\": [0, 0],"
                + " \"cov\": [[1, 2], [0, 1]]}");
        assertThatThrownBy(() -> FeatureStatsFile.read(asym)).isInstanceOf(ArtException.class)
                .hasMessageContaining("asym.json").hasMessageContaining("symmetric");

        Path notNumber = dir.resolve("nan.json");
        Files.writeString(notNumber, "{\"format\": \"art-fid-stats/1\", \"count\": 3, \"mean\": [0, \"x\"],"
                + " \"cov\": [[1, 0], [0, 1]]}");
        assertThatThrownBy(() -> FeatureStatsFile.read(notNumber)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected a number at mean[1]");
    }
}
