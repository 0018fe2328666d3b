package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.adaptive.AdaptiveScheduler;
import dev.artsched.scheduler.adaptive.AdaptiveSchedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolicyGraphTest {
    private static final Map<String, String> META = Map.of("art.sigma_min", "0.002", "art.sigma_max", "80",
            "art.sigma_data", "0.5", "art.budget_steps", "10");

    static PolicyWeights random(int in, int h, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] sizes = {in * h, h, 2 * h, h, 2 * h * h, h, 3 * h * h, h, h, 1};
        List<float[]> arrays = new ArrayList<>();
        for (int n : sizes) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) (rng.nextGaussian() * 0.5);
            }
            arrays.add(a);
        }
        return new PolicyWeights(in, arrays);
    }

    @Test
    void theExportedGraphComputesTheJavaForwardPass() {
        PolicyWeights w = random(6, 5, 1);
        try (OnnxPolicy p = OnnxPolicy.load(w.toOnnx(new long[] {2, 3}, META), "policy")) {
            assertThat(p.sampleSize()).isEqualTo(6);
            assertThat(p.budgetSteps()).isEqualTo(10);
            assertThat(p.map().sigmaMax()).isEqualTo(80.0);
            SplittableRandom rng = new SplittableRandom(2);
            int batch = 4;
            float[] x = new float[batch * 6];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * 20);
            }
            double[] sigma = {80, 10, 0.5, 0.01};
            int[] step = {0, 3, 7, 9};
            double[] out = new double[batch];
            p.decrements(x, sigma, step, batch, out);
            for (int b = 0; b < batch; b++) {
                float c = (float) (1.0 / Math.sqrt(sigma[b] * sigma[b] + 0.25));
                float[] xin = new float[6];
                for (int j = 0; j < 6; j++) {
                    xin[j] = x[b * 6 + j] * c;
                }
                double expected = w.mean(xin, 0, (float) p.map().t(sigma[b]), (float) (step[b] / 10.0));
                assertThat(out[b]).isCloseTo(expected, within(1e-5)).isBetween(0.0, 1.0);
            }
        }
    }

    @Test
    void theConvolutionBlockOnImagesMatchesTheJavaForwardPass() {
        // samples [2, 5, 6]: conv to 3 channels of 3 x 3, so W1 has 27 rows
        SplittableRandom rng = new SplittableRandom(8);
        PolicyWeights base = random(27, 4, 9);
        float[] wc = new float[3 * 2 * 9];
        float[] bc = new float[3];
        for (int i = 0; i < wc.length; i++) {
            wc[i] = (float) rng.nextGaussian();
        }
        bc[1] = 0.5f;
        PolicyWeights w = new PolicyWeights(60, base.arrays(), new PolicyWeights.Conv(2, 5, 6, 3, wc, bc));
        try (OnnxPolicy p = OnnxPolicy.load(w.toOnnx(new long[] {2, 5, 6}, META), "conv policy")) {
            float[] x = new float[3 * 60];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextGaussian() * 3);
            }
            double[] sigma = {50, 1, 0.01};
            double[] out = new double[3];
            p.decrements(x, sigma, new int[] {0, 4, 9}, 3, out);
            for (int b = 0; b < 3; b++) {
                float c = (float) (1.0 / Math.sqrt(sigma[b] * sigma[b] + 0.25));
                float[] xin = new float[60];
                for (int j = 0; j < 60; j++) {
                    xin[j] = x[b * 60 + j] * c;
                }
                int step = new int[] {0, 4, 9}[b];
                assertThat(out[b]).isCloseTo(w.mean(xin, 0, (float) p.map().t(sigma[b]), (float) (step / 10.0)),
                        within(1e-5));
            }
        }
        assertThatThrownBy(() -> new PolicyWeights(61, base.arrays(), new PolicyWeights.Conv(2, 5, 6, 3, wc, bc)))
                .isInstanceOf(ArtException.class).hasMessageContaining("expected samples of that size, found 61");
    }

    @Test
    void theProviderLoadsAPolicyFileForTheAdaptiveScheduler(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("policy.onnx");
        Files.write(f, random(3, 4, 5).toOnnx(new long[] {3}, META));
        AdaptiveScheduler s = AdaptiveSchedulers.create("onnx:path=" + f, Solver.HEUN, 7);
        double[] next = new double[2];
        s.next(new float[] {1, 2, 3, 4, 5, 6}, new double[] {80, 80}, new int[] {0, 0}, new int[] {0, 0}, 2, next);
        assertThat(next[0]).isBetween(0.0, 80.0);
        assertThat(next[1]).isBetween(0.0, 80.0).isNotEqualTo(next[0]);
        assertThat(s.name()).isEqualTo("onnx:path=" + f);
        assertThatThrownBy(() -> AdaptiveSchedulers.create("onnx", Solver.EULER, 3)).isInstanceOf(ArtException.class)
                .hasMessageContaining("path");
    }

    @Test
    void aGraphWithoutTheRangeMetadataIsRefused() {
        byte[] g = random(3, 2, 1).toOnnx(new long[] {3}, Map.of("art.budget_steps", "4"));
        assertThatThrownBy(() -> OnnxPolicy.load(g, "bare")).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected metadata art.sigma_min");
        assertThatThrownBy(() -> random(3, 2, 1).toOnnx(new long[] {4}, META)).isInstanceOf(ArtException.class)
                .hasMessageContaining("3 floats, found 4");
    }
}
