package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxFeatureExtractorTest {
    private static final float[][] W = {{1, 0, 2}, {0, 1, -1}};

    @TempDir
    Path dir;

    private Path model() throws IOException {
        Path p = dir.resolve("tiny.onnx");
        Files.write(p, TinyOnnx.matMulModel(W));
        return p;
    }

    @Test
    void extractsTheFeaturesOutputByNameAndMatchesTheMatrixProduct() throws IOException {
        try (OnnxFeatureExtractor fx = OnnxFeatureExtractor.load(model())) {
            assertThat(fx.sampleSize()).isEqualTo(2);
            assertThat(fx.featureSize()).isEqualTo(3);
            assertThat(fx.sampleShape()).containsExactly(2L);
            float[] f = fx.extract(new float[] {1, 2, -3, 0.5f}, 2);
            assertThat(f).containsExactly(new float[] {1, 2, 0, -3, 0.5f, -6.5f}, within(1e-6f));
        }
    }

    @Test
    void explicitOutputNameSelectsAnotherOutput() throws IOException {
        try (OnnxFeatureExtractor fx = OnnxFeatureExtractor.load(model(), null, "logits")) {
            assertThat(fx.featureSize()).isEqualTo(2);
            assertThat(fx.extract(new float[] {4, 5}, 1)).containsExactly(4, 5);
        }
    }

    @Test
    void fidOfLinearFeaturesMatchesTheTransformedStatistics() throws IOException {
        // Features are a linear map of the samples, so their statistics are W^T mu and W^T S W.
        float[] samples = new float[200];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) rng.nextGaussian();
        }
        GaussianStats raw = GaussianStats.of(samples, 100, 2);
        try (OnnxFeatureExtractor fx = OnnxFeatureExtractor.load(model())) {
            GaussianStats feats = GaussianStats.of(fx.extract(samples, 100), 100, 3);
            for (int a = 0; a < 3; a++) {
                double m = 0;
                for (int i = 0; i < 2; i++) {
                    m += W[i][a] * raw.mean(i);
                }
                assertThat(feats.mean(a)).isCloseTo(m, within(1e-5));
                for (int b = 0; b < 3; b++) {
                    double c = 0;
                    for (int i = 0; i < 2; i++) {
                        for (int j = 0; j < 2; j++) {
                            c += W[i][a] * raw.cov(i, j) * W[j][b];
                        }
                    }
                    assertThat(feats.cov(a, b)).isCloseTo(c, within(1e-4));
                }
            }
        }
    }

    @Test
    void badFilesAndInputsGiveClearErrors() throws IOException {
        assertThatThrownBy(() -> OnnxFeatureExtractor.load(dir.resolve("none.onnx")))
                .isInstanceOf(ArtException.class).hasMessageContaining("does not exist");
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "not a model");
        assertThatThrownBy(() -> OnnxFeatureExtractor.load(junk))
                .isInstanceOf(ArtException.class).hasMessageContaining("cannot load feature model");
        assertThatThrownBy(() -> OnnxFeatureExtractor.load(model(), null, "nope"))
                .isInstanceOf(ArtException.class).hasMessageContaining("no output named 'nope'");
        OnnxFeatureExtractor fx = OnnxFeatureExtractor.load(model());
        assertThatThrownBy(() -> fx.extract(new float[3], 2)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected 2 * 2 input values, found 3");
        fx.close();
        fx.close();
        assertThatThrownBy(() -> fx.extract(new float[2], 1)).isInstanceOf(ArtException.class)
                .hasMessageContaining("closed");
    }
}
