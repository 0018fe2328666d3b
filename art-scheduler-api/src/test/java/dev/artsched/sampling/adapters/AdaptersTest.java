package dev.artsched.sampling.adapters;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.HeunSampler;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each adapter wraps an exact model written in its own parameterisation and must reproduce the exact EDM D. */
class AdaptersTest {
    private static final GaussianDenoiser EXACT = new GaussianDenoiser(3, 0.4, 0.7);
    private static final DiscreteVpSchedule SD = DiscreteVpSchedule.linearBetas(0.00085, 0.012, 1000, true);

    /** Exact epsilon = E[eps | x] of the EDM process at (x, sigma). */
    private static double eps(double x, double s) {
        return (x - EXACT.denoise(x, s)) / s;
    }

    /** The exact Gaussian model written as a discrete-VP epsilon network over the SD table. */
    private static final class EpsModel implements TimestepModel {
        final List<Float> timesteps = new ArrayList<>();

        @Override
        public int sampleSize() {
            return 3;
        }

        @Override
        public void predict(float[] x, float[] t, int batch, float[] out) {
            for (int b = 0; b < batch; b++) {
                timesteps.add(t[b]);
                double s = SD.tToSigma(t[b]);
                for (int j = b * 3; j < b * 3 + 3; j++) {
                    double xe = x[j] * Math.sqrt(1 + s * s);
                    out[j] = (float) eps(xe, s);
                }
            }
        }
    }

    /** The exact model as a v network: v = alpha eps - sigma_vp x0. */
    private static final class VModel implements TimestepModel {
        @Override
        public int sampleSize() {
            return 3;
        }

        @Override
        public void predict(float[] x, float[] t, int batch, float[] out) {
            for (int b = 0; b < batch; b++) {
                double s = SD.tToSigma(t[b]);
                double alpha = 1 / Math.sqrt(1 + s * s);
                for (int j = b * 3; j < b * 3 + 3; j++) {
                    double xe = x[j] / alpha;
                    out[j] = (float) (alpha * eps(xe, s) - s * alpha * EXACT.denoise(xe, s));
                }
            }
        }
    }

    /** The exact model as a rectified-flow velocity network with timesteps in [0, 1000]. */
    private static final class FlowModel implements TimestepModel {
        @Override
        public int sampleSize() {
            return 3;
        }

        @Override
        public void predict(float[] x, float[] tau, int batch, float[] out) {
            for (int b = 0; b < batch; b++) {
                double t = tau[b] / 1000.0;
                double s = t / (1 - t);
                for (int j = b * 3; j < b * 3 + 3; j++) {
                    double xe = x[j] * (1 + s);
                    out[j] = (float) (eps(xe, s) - EXACT.denoise(xe, s));
                }
            }
        }
    }

    private static void assertMatchesExact(Denoiser adapted, double sMin, double sMax) {
        SplittableRandom rng = new SplittableRandom(11);
        int batch = 64;
        float[] x = new float[batch * 3];
        float[] sig = new float[batch];
        for (int b = 0; b < batch; b++) {
            sig[b] = (float) Math.exp(rng.nextDouble(Math.log(sMin), Math.log(sMax)));
            for (int j = 0; j < 3; j++) {
                x[b * 3 + j] = (float) (rng.nextGaussian() * Math.sqrt(0.49 + sig[b] * sig[b]) + 0.4);
            }
        }
        float[] got = new float[x.length];
        float[] want = new float[x.length];
        adapted.denoise(x, sig, batch, got);
        EXACT.denoise(x, sig, batch, want);
        for (int i = 0; i < x.length; i++) {
            assertThat((double) got[i]).as("element %d, sigma %s", i, sig[i / 3])
                    .isCloseTo(want[i], within(2e-5 * Math.max(1, Math.abs(want[i])) * Math.max(1, sig[i / 3])));
        }
    }

    @Test
    void stableDiffusionTableHasTheKnownSigmaRange() {
        assertThat(SD.sigmaMax()).isCloseTo(14.6146, within(1e-4));
        assertThat(SD.sigmaMin()).isCloseTo(0.0292, within(1e-4));
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            double t = rng.nextDouble(0, 999);
            assertThat(SD.sigmaToT(SD.tToSigma(t))).isCloseTo(t, within(1e-9));
        }
        assertThat(SD.sigmaToT(1e-6)).isZero();
        assertThat(SD.sigmaToT(1e6)).isEqualTo(999.0);
        assertThatThrownBy(() -> new DiscreteVpSchedule(new double[] {0.9, 0.95})).hasMessageContaining("strictly decreasing");
        assertThatThrownBy(() -> new DiscreteVpSchedule(new double[] {1.0, 0.5})).hasMessageContaining("[0] must be in (0, 1)");
    }

    @Test
    void epsilonAdapterReproducesTheExactDenoiser() {
        EpsilonPredictionDenoiser d = new EpsilonPredictionDenoiser(new EpsModel(), SD, false);
        assertMatchesExact(d, SD.sigmaMin(), SD.sigmaMax());
        assertThat(d.sigmaMax().getAsDouble()).isEqualTo(SD.sigmaMax());
    }

    @Test
    void integerTimestepsAreRounded() {
        EpsModel m = new EpsModel();
        new EpsilonPredictionDenoiser(m, SD, true).denoise(new float[] {1, 2, 3}, new float[] {1.2345f}, 1, new float[3]);
        assertThat(m.timesteps).hasSize(1);
        assertThat((double) m.timesteps.get(0)).isEqualTo(Math.rint(SD.sigmaToT(1.2345f)));
    }

    @Test
    void vPredictionAdapterReproducesTheExactDenoiser() {
        assertMatchesExact(new VPredictionDenoiser(new VModel(), SD, false), SD.sigmaMin(), SD.sigmaMax());
    }

    @Test
    void flowMatchingAdapterReproducesTheExactDenoiser() {
        FlowMatchingDenoiser d = new FlowMatchingDenoiser(new FlowModel(), 1000, 0.002, 80);
        assertMatchesExact(d, 0.002, 80);
        assertThatThrownBy(() -> new FlowMatchingDenoiser(new FlowModel(), 0, 0.002, 80)).hasMessageContaining("timestepScale");
    }

    @Test
    void samplersRunUnchangedOnAdaptedModels() {
        Schedule grid = TimestepSchedulers.schedule("edm:sigma_max=14.6,sigma_min=0.03", 12);
        float[] x0 = new float[3 * 8];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) (14.6 * rng.nextGaussian());
        }
        float[] direct = new HeunSampler().sample(EXACT, grid, x0, 8).samples();
        float[] viaEps = new HeunSampler().sample(new EpsilonPredictionDenoiser(new EpsModel(), SD, false), grid, x0, 8).samples();
        float[] viaFlow = new HeunSampler().sample(new FlowMatchingDenoiser(new FlowModel(), 1000, 0.002, 80), grid, x0, 8).samples();
        for (int i = 0; i < x0.length; i++) {
            assertThat((double) viaEps[i]).isCloseTo(direct[i], within(1e-3));
            assertThat((double) viaFlow[i]).isCloseTo(direct[i], within(1e-3));
        }
    }
}
