package dev.artsched.onnx;

import dev.artsched.sampling.Samplers;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.SampleResult;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplingOverOnnxTest {

    private static float[] noise(int n, double sigma0, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (sigma0 * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return x;
    }

    /** EDM rho = 7 grid from sigmaMax down to 0.002, then 0. */
    private static Schedule edm(int steps, double sigmaMax) {
        double[] s = new double[steps + 1];
        double a = Math.pow(sigmaMax, 1 / 7.0);
        double b = Math.pow(0.002, 1 / 7.0);
        for (int i = 0; i < steps; i++) {
            s[i] = Math.pow(a + i / (steps - 1.0) * (b - a), 7);
        }
        return Schedule.of("edm-test", s);
    }

    private static void compare(Solver solver, Denoiser onnx, Denoiser exact, Schedule schedule, int dim) {
        int batch = 128;
        float[] x0 = noise(batch * dim, schedule.sigma(0), 5);
        SampleResult a = Samplers.of(solver).sample(onnx, schedule, x0, batch);
        SampleResult b = Samplers.of(solver).sample(exact, schedule, x0, batch);
        assertThat(a.nfe()).isEqualTo(b.nfe()).isEqualTo(schedule.nfe(solver));
        assertThat(TestModels.maxRelErr(a.samples(), b.samples(), batch, 1e-2)).isLessThan(1e-5);
    }

    @ParameterizedTest
    @EnumSource(Solver.class)
    void samplingTheGaussianModelMatchesTheAnalyticRun(Solver solver) {
        try (OnnxDenoiser d = OnnxDenoiser.load(TestModels.GAUSS)) {
            compare(solver, d, GaussianDenoiser.paper1d(), edm(18, 3.0), 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Solver.class)
    void samplingTheMixtureModelMatchesTheAnalyticRun(Solver solver) {
        try (OnnxDenoiser d = OnnxDenoiser.load(TestModels.MIXTURE)) {
            compare(solver, d, GaussianMixtureDenoiser.twoDimensionalBenchmark(), edm(10, 10.0), 2);
        }
    }

    @Test
    void nanFromTheModelStopsSamplingNamingStepAndSigma() {
        try (OnnxDenoiser d = OnnxDenoiser.load(TestModels.RESOURCES.resolve("nan_at_sigma.onnx"))) {
            Schedule s = Schedule.of("with-0.5", 3.0, 1.0, 0.5, 0.1, 0.0);
            float[] x0 = noise(4, 3.0, 1);
            float[] out = new float[4];
            d.denoise(x0, new float[] {1f, 0.25f, 2f, 3f}, 4, out);
            assertThat(out).doesNotContain(Float.NaN);
            for (Solver solver : Solver.values()) {
                assertThatThrownBy(() -> Samplers.of(solver).sample(d, s, x0, 4))
                        .isInstanceOf(ArtException.class)
                        .hasMessageContaining("non-finite value (NaN)")
                        .hasMessageContaining(solver == Solver.EULER ? "at step 2 (sigma = 0.5)" : "(sigma = 0.5)");
            }
        }
    }
}
