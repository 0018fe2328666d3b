package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The feature-network view over the matmul graphs of {@code onnx/features} (features = x W). */
class OnnxFeatureGraphTest {
    private static final Path DIR = TestModels.RESOURCES.resolve("features");
    private static final float[][] W = {{1, 0, 2}, {0, 1, -1}};

    private static float[] product(float[] x, int batch) {
        float[] f = new float[batch * 3];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < 3; j++) {
                f[b * 3 + j] = x[b * 2] * W[0][j] + x[b * 2 + 1] * W[1][j];
            }
        }
        return f;
    }

    private static float[] samples(int batch) {
        float[] x = new float[batch * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(1.3 * i + 0.2);
        }
        return x;
    }

    @Test
    void defaultsPickTheFeaturesOutputAndWriteIntoTheCallersArray() {
        try (OnnxFeatureGraph g = OnnxFeatureGraph.load(DIR.resolve("matmul.onnx"))) {
            assertThat(g.sampleShape()).containsExactly(2L);
            assertThat(g.sampleSize()).isEqualTo(2);
            assertThat(g.featureSize()).isEqualTo(3);
            assertThat(g.executionProvider()).isEqualTo(ExecutionProvider.CPU);
            float[] out = new float[7];
            Arrays.fill(out, -99f);
            g.extract(new float[] {1, 2, -3, 0.5f}, 2, out);
            assertThat(out).containsExactly(new float[] {1, 2, 0, -3, 0.5f, -6.5f, -99f}, within(1e-6f));
        }
    }

    @Test
    void anUndeclaredFeatureDimensionIsFoundByOneRun() {
        try (OnnxFeatureGraph g = OnnxFeatureGraph.load(DIR.resolve("matmul_undeclared_features.onnx"))) {
            assertThat(g.featureSize()).isEqualTo(3);
            float[] x = samples(5);
            assertThat(g.extract(x, 5)).containsExactly(product(x, 5), within(1e-6f));
        }
    }

    @Test
    void aFixedBatchGraphRunsAnyBatchInPaddedChunks() {
        try (OnnxFeatureGraph g = OnnxFeatureGraph.load(DIR.resolve("matmul_fixed_batch.onnx"))) {
            for (int batch : new int[] {1, 3, 5, 7}) {
                float[] x = samples(batch);
                assertThat(g.extract(x, batch)).as("batch %d", batch).containsExactly(product(x, batch), within(1e-6f));
            }
        }
    }

    @Test
    void namedTensorsAndOptionsAreHonoured() {
        OnnxOptions auto = OnnxOptions.builder().optExecutionProvider("auto").optIntraOpThreads(2).build();
        try (OnnxFeatureGraph g = OnnxFeatureGraph.load(DIR.resolve("matmul.onnx"), "x", "logits", auto)) {
            assertThat(g.featureSize()).isEqualTo(2);
            assertThat(g.executionProvider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(g.extract(new float[] {4, 5}, 1)).containsExactly(4, 5);
        }
        assertThatThrownBy(() -> OnnxFeatureGraph.load(DIR.resolve("matmul.onnx"), "q", null))
                .isInstanceOf(ArtException.class).hasMessage("feature model has no input named 'q': found [x]");
    }

    @Test
    void wrongLengthsNonFiniteFeaturesAndUseAfterCloseAreErrors() {
        OnnxFeatureGraph g = OnnxFeatureGraph.load(DIR.resolve("matmul.onnx"));
        assertThatThrownBy(() -> g.extract(new float[4], 2, new float[5])).isInstanceOf(ArtException.class)
                .hasMessageContaining("output 'features'").hasMessageContaining("expected room for 6 floats (batch 2), found 5");
        assertThatThrownBy(() -> g.extract(new float[4], 0)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected 0 * 2 input values, found 4");
        assertThatThrownBy(() -> g.extract(new float[] {Float.POSITIVE_INFINITY, 0}, 1))
                .isInstanceOf(ArtException.class).hasMessageContaining("returned a non-finite feature");
        g.close();
        g.close();
        assertThatThrownBy(() -> g.extract(new float[2], 1, new float[3])).isInstanceOf(ArtException.class)
                .hasMessage("feature model " + DIR.resolve("matmul.onnx") + " is closed");
    }

    @Test
    void missingAndCorruptFilesKeepTheirMessages() {
        assertThatThrownBy(() -> OnnxFeatureGraph.load(DIR.resolve("none.onnx")))
                .isInstanceOf(ArtException.class).hasMessageEndingWith("none.onnx does not exist (expected an ONNX file)");
        assertThatThrownBy(() -> OnnxFeatureGraph.load(DIR.resolve("README.md")))
                .isInstanceOf(ArtException.class).hasMessageStartingWith("cannot load feature model ");
    }
}
