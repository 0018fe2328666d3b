package dev.artsched.onnx;

import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OnnxDenoiserTest {
    private static OnnxDenoiser gauss;
    private static OnnxDenoiser mixture;

    @BeforeAll
    static void open() {
        gauss = OnnxDenoiser.load(TestModels.GAUSS);
        mixture = OnnxDenoiser.load(TestModels.MIXTURE);
    }

    @AfterAll
    static void close() {
        gauss.close();
        mixture.close();
    }

    @Test
    void gaussianMatchesTheAnalyticDenoiser() {
        TestModels.Batch in = new TestModels.Batch(257, 1, 0.002, 3.0, 1);
        float[] onnx = new float[in.x.length];
        float[] exact = new float[in.x.length];
        gauss.denoise(in.x, in.sigma, in.batch, onnx);
        GaussianDenoiser.paper1d().denoise(in.x, in.sigma, in.batch, exact);
        assertThat(TestModels.maxElementRelErr(onnx, exact, 1e-30)).isLessThan(1e-5);
    }

    @Test
    void mixtureMatchesTheAnalyticDenoiser() {
        TestModels.Batch in = new TestModels.Batch(500, 2, 0.002, 10.0, 2);
        float[] onnx = new float[in.x.length];
        float[] exact = new float[in.x.length];
        mixture.denoise(in.x, in.sigma, in.batch, onnx);
        GaussianMixtureDenoiser.twoDimensionalBenchmark().denoise(in.x, in.sigma, in.batch, exact);
        assertThat(TestModels.maxRelErr(onnx, exact, in.batch, 1e-3)).isLessThan(1e-5);
    }

    @Test
    void exposesShapeAndMetadata() {
        assertThat(gauss.sampleSize()).isEqualTo(1);
        assertThat(mixture.sampleShape()).containsExactly(2L);
        assertThat(gauss.sigmaMin()).hasValue(0.002);
        assertThat(gauss.sigmaMax()).hasValue(3.0);
        assertThat(gauss.sigmaData()).hasValue(1.0);
        assertThat(mixture.sigmaMax()).hasValue(10.0);
        assertThat(mixture.metadata()).containsEntry("art.model_id", "mixture2d");
        assertThat(gauss.fixedBatch()).isZero();
        assertThat(gauss.executionProvider()).isEqualTo(ExecutionProvider.CPU);
        assertThat(gauss.fallbackReason()).isEmpty();
    }

    @Test
    void anyBatchSizeGivesTheSameValuesPerSample() {
        TestModels.Batch in = new TestModels.Batch(7, 2, 0.01, 10.0, 3);
        float[] all = new float[14];
        mixture.denoise(in.x, in.sigma, 7, all);
        for (int b = 0; b < 7; b++) {
            float[] one = new float[2];
            mixture.denoise(new float[] {in.x[2 * b], in.x[2 * b + 1]}, new float[] {in.sigma[b]}, 1, one);
            assertThat(one[0]).isEqualTo(all[2 * b]);
            assertThat(one[1]).isEqualTo(all[2 * b + 1]);
        }
        for (int batch : new int[] {1, 2, 3, 5, 6}) {
            float[] part = new float[2 * batch];
            mixture.denoise(in.x, in.sigma, batch, part);
            for (int j = 0; j < 2 * batch; j++) {
                assertThat(part[j]).isEqualTo(all[j]);
            }
        }
    }

    @Test
    void fixedBatchGraphWithCustomNamesRunsInPaddedChunks() {
        OnnxOptions names = OnnxOptions.builder().optNames("latent", "noise_level", "pred").build();
        try (OnnxDenoiser fixed = OnnxDenoiser.load(TestModels.RESOURCES.resolve("fixed_batch.onnx"), names)) {
            assertThat(fixed.fixedBatch()).isEqualTo(4);
            TestModels.Batch in = new TestModels.Batch(10, 1, 0.002, 3.0, 4);
            float[] onnx = new float[10];
            float[] exact = new float[10];
            fixed.denoise(in.x, in.sigma, 10, onnx);
            GaussianDenoiser.paper1d().denoise(in.x, in.sigma, 10, exact);
            assertThat(TestModels.maxElementRelErr(onnx, exact, 1e-30)).isLessThan(1e-5);
        }
    }

    @Test
    void oneInstanceServesManyThreads() throws Exception {
        TestModels.Batch in = new TestModels.Batch(64, 2, 0.002, 10.0, 5);
        float[] expected = new float[in.x.length];
        mixture.denoise(in.x, in.sigma, in.batch, expected);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int batch = t % 2 == 0 ? 64 : 17;
                results.add(pool.submit(() -> {
                    float[] out = new float[in.x.length];
                    for (int rep = 0; rep < 50; rep++) {
                        mixture.denoise(in.x, in.sigma, batch, out);
                    }
                    return out;
                }));
            }
            for (int t = 0; t < results.size(); t++) {
                float[] out = results.get(t).get();
                int n = 2 * (t % 2 == 0 ? 64 : 17);
                for (int j = 0; j < n; j++) {
                    assertThat(out[j]).isEqualTo(expected[j]);
                }
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void loadsFromBytesAndClosesIdempotently() throws Exception {
        OnnxDenoiser d = OnnxDenoiser.load(Files.readAllBytes(TestModels.GAUSS), "gauss-bytes", OnnxOptions.defaults());
        float[] out = new float[1];
        d.denoise(new float[] {2f}, new float[] {1f}, 1, out);
        assertThat(out[0]).isEqualTo(1f);
        d.close();
        d.close();
        assertThatThrownBy(() -> d.denoise(new float[] {2f}, new float[] {1f}, 1, out))
                .isInstanceOf(ArtException.class).hasMessageContaining("gauss-bytes is closed");
    }

    @Test
    void rejectsShortArraysNamingTheTensor() {
        assertThatThrownBy(() -> mixture.denoise(new float[3], new float[2], 2, new float[4]))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("input 'x'").hasMessageContaining("expected 4 floats (batch 2), found 3");
        assertThatThrownBy(() -> mixture.denoise(new float[4], new float[2], 2, new float[1]))
                .isInstanceOf(ArtException.class).hasMessageContaining("output 'denoised'");
    }
}
