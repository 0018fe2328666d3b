package dev.artsched.onnx;

import dev.artsched.sampling.adapters.DiscreteVpSchedule;
import dev.artsched.sampling.adapters.EpsilonPredictionDenoiser;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Raw epsilon networks exported with int64 and with float32 timestep inputs (make_timestep_models.py: the exact
 * epsilon of N(0.4, 0.7^2 I) data over the SD 1.x table) run as EDM denoisers through the epsilon adapter.
 */
class OnnxTimestepModelTest {
    private static final Path DIR = TestModels.RESOURCES.resolve("timestep");
    private static final DiscreteVpSchedule SD = DiscreteVpSchedule.linearBetas(0.00085, 0.012, 1000, true);
    private static final GaussianDenoiser EXACT = new GaussianDenoiser(3, 0.4, 0.7);

    private static void check(EpsilonPredictionDenoiser d, float[] sigma) {
        SplittableRandom rng = new SplittableRandom(4);
        int batch = sigma.length;
        float[] x = new float[batch * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.4 + rng.nextGaussian() * Math.sqrt(0.49 + sigma[i / 3] * sigma[i / 3]));
        }
        float[] got = new float[x.length];
        float[] want = new float[x.length];
        d.denoise(x, sigma, batch, got);
        EXACT.denoise(x, sigma, batch, want);
        for (int i = 0; i < x.length; i++) {
            assertThat((double) got[i]).as("element %d sigma %s", i, sigma[i / 3])
                    .isCloseTo(want[i], within(5e-5 * Math.max(1, sigma[i / 3]) * Math.max(1, Math.abs(want[i]))));
        }
    }

    @Test
    void int64TimestepGraphIsDetectedAndRoundedOnTableSigmas() {
        try (OnnxTimestepModel m = OnnxTimestepModel.load(DIR.resolve("eps_int64.onnx"), "sample", "timestep", "eps")) {
            assertThat(m.integerTimesteps()).isTrue();
            assertThat(m.sampleShape()).containsExactly(3);
            EpsilonPredictionDenoiser d = new EpsilonPredictionDenoiser(m, SD, m.integerTimesteps());
            float[] sigma = new float[32];
            for (int b = 0; b < sigma.length; b++) {
                sigma[b] = (float) SD.tToSigma(31 * b);
            }
            check(d, sigma);
        }
    }

    @Test
    void floatTimestepGraphGetsFractionalTimestepsAtAnySigma() {
        try (OnnxTimestepModel m = OnnxTimestepModel.load(DIR.resolve("eps_float.onnx"), "sample", "timestep", "eps")) {
            assertThat(m.integerTimesteps()).isFalse();
            EpsilonPredictionDenoiser d = new EpsilonPredictionDenoiser(m, SD, m.integerTimesteps());
            SplittableRandom rng = new SplittableRandom(8);
            float[] sigma = new float[32];
            for (int b = 0; b < sigma.length; b++) {
                sigma[b] = (float) Math.exp(rng.nextDouble(Math.log(SD.sigmaMin()), Math.log(SD.sigmaMax())));
            }
            check(d, sigma);
        }
    }

    @Test
    void wrongNamesAndMissingFilesAreClear() {
        assertThatThrownBy(() -> OnnxTimestepModel.load(DIR.resolve("eps_int64.onnx"), "x", "t", "eps"))
                .hasMessageContaining("expected inputs [x, t]").hasMessageContaining("found inputs");
        assertThatThrownBy(() -> OnnxTimestepModel.load(DIR.resolve("nope.onnx"), "sample", "timestep", "eps"))
                .hasMessageContaining("nope.onnx").hasMessageContaining("no such file");
    }

    @Test
    void closeIsIdempotentAndAClosedModelSaysSo() {
        OnnxTimestepModel m = OnnxTimestepModel.load(DIR.resolve("eps_float.onnx"), "sample", "timestep", "eps");
        float[] out = new float[3];
        m.predict(new float[3], new float[] {10f}, 1, out);
        m.close();
        m.close();
        assertThatThrownBy(() -> m.predict(new float[3], new float[] {10f}, 1, out))
                .hasMessageContaining("timestep model").hasMessageContaining("is closed");
    }
}
