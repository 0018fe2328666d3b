package dev.artsched.sampling;

import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SamplerTest {
    private static final int[] KS = {2, 5, 10, 20, 50, 100};

    /** Exact W2 from docs/MATH.md section 4 (T = 3): Uniform and EDM rho = 7. */
    private static final double[] UNIFORM = {.4648, .2117, .1103, .0565, .0230, .0116};
    private static final double[] EDM7 = {.6617, .3158, .1736, .0908, .0373, .0188};

    /** W2 of Euler's output to N(0,1): Euler maps x linearly, x0 ~ N(0, 1 + T^2), so run it on x0 = 1. */
    private static double eulerW2(Schedule s) {
        SampleResult r = new EulerSampler().sample(GaussianDenoiser.paper1d(), s, new float[] {1f}, 1);
        double t = s.sigmaMax();
        return Math.abs(Math.abs(r.samples()[0]) * Math.sqrt(1 + t * t) - 1);
    }

    /** The same W2 from the closed-form product of Euler factors (double precision). */
    private static double closedFormW2(double[] s) {
        double a = 1;
        for (int k = 0; k + 1 < s.length; k++) {
            a *= 1 + (s[k + 1] - s[k]) * s[k] / (1 + s[k] * s[k]);
        }
        return Math.abs(Math.abs(a) * Math.sqrt(1 + s[0] * s[0]) - 1);
    }

    @Test
    void eulerOnThePaperBenchmarkReproducesTheExactW2() {
        for (int i = 0; i < KS.length; i++) {
            Schedule u = TimestepSchedulers.schedule("uniform:sigma_max=3,sigma_min=0", KS[i]);
            Schedule e7 = TimestepSchedulers.schedule("edm:rho=7,sigma_max=3,sigma_min=0", KS[i]);
            Schedule e3 = TimestepSchedulers.schedule("edm:rho=3,sigma_max=3,sigma_min=0", KS[i]);
            assertThat(eulerW2(u)).as("uniform K=%d", KS[i]).isCloseTo(UNIFORM[i], within(1e-3));
            assertThat(eulerW2(e7)).as("edm K=%d", KS[i]).isCloseTo(EDM7[i], within(1e-3));
            assertThat(eulerW2(e3)).as("edm-t K=%d", KS[i]).isCloseTo(closedFormW2(e3.sigmas()), within(1e-4));
            // EDM-T beats Uniform which beats EDM rho 7 (paper Table 1 ordering)
            assertThat(eulerW2(e3)).isLessThan(eulerW2(u));
            assertThat(eulerW2(u)).isLessThan(eulerW2(e7));
        }
    }

    @Test
    void nfeCountsAndListenerCallbacks() {
        Schedule s = TimestepSchedulers.schedule("edm", 18);
        List<double[]> steps = new ArrayList<>();
        SampleResult h = new HeunSampler().sample(GaussianDenoiser.paper1d(), s, new float[] {80f, -40f}, 2,
                (step, n, sigma, next, nfe) -> steps.add(new double[] {step, n, sigma, next, nfe}));
        assertThat(h.nfe()).isEqualTo(35).isEqualTo(s.nfe(Solver.HEUN));
        assertThat(steps).hasSize(18);
        assertThat(steps.get(17)).containsExactly(17, 18, 0.002, 0, 35);
        assertThat(new EulerSampler().sample(GaussianDenoiser.paper1d(), s, new float[] {80f}, 1).nfe()).isEqualTo(18);
        assertThat(Samplers.of(Solver.HEUN)).isInstanceOf(HeunSampler.class);
    }

    @Test
    void heunIsSecondOrderAndEulerFirstOrderOnAMixture() {
        GaussianMixtureDenoiser d = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        SplittableRandom rng = new SplittableRandom(1);
        int batch = 64;
        float[] x0 = new float[batch * 2];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) (10 * rng.nextGaussian());
        }
        String spec = "edm:sigma_max=10,sigma_min=0.01";
        float[] ref = new HeunSampler().sample(d, TimestepSchedulers.schedule(spec, 2048), x0, batch).samples();
        double e1 = rms(new HeunSampler().sample(d, TimestepSchedulers.schedule(spec, 32), x0, batch).samples(), ref);
        double e2 = rms(new HeunSampler().sample(d, TimestepSchedulers.schedule(spec, 64), x0, batch).samples(), ref);
        double f1 = rms(new EulerSampler().sample(d, TimestepSchedulers.schedule(spec, 64), x0, batch).samples(), ref);
        double f2 = rms(new EulerSampler().sample(d, TimestepSchedulers.schedule(spec, 128), x0, batch).samples(), ref);
        assertThat(e1 / e2).as("Heun error ratio when doubling N").isBetween(2.8, 6.0);
        assertThat(f1 / f2).as("Euler error ratio when doubling N").isBetween(1.5, 2.8);
        assertThat(e2).isLessThan(f2);
    }

    @Test
    void mixtureJvpMatchesCentralDifferences() {
        GaussianMixtureDenoiser d = new GaussianMixtureDenoiser(new double[][] {{1, 0, -1}, {-2, 1, 0.5}},
                new double[] {0.3, 0.7}, new double[] {0.4, 0.9});
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            double[] x = {rng.nextGaussian() * 2, rng.nextGaussian() * 2, rng.nextGaussian() * 2};
            double[] v = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double s = Math.exp(rng.nextDouble(-3, 2));
            double st = rng.nextGaussian();
            double[] out = new double[3];
            double[] jv = new double[3];
            d.evaluate(x, s, v, st, out, jv);
            double h = 1e-6;
            double[] p = new double[3];
            double[] m = new double[3];
            double[] xp = new double[3];
            double[] xm = new double[3];
            for (int j = 0; j < 3; j++) {
                xp[j] = x[j] + h * v[j];
                xm[j] = x[j] - h * v[j];
            }
            d.evaluate(xp, s + h * st, null, 0, p, null);
            d.evaluate(xm, s - h * st, null, 0, m, null);
            for (int j = 0; j < 3; j++) {
                double fd = (p[j] - m[j]) / (2 * h);
                assertThat(jv[j]).isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
            }
        }
    }

    @Test
    void gaussianJvpMatchesTheClosedFormQ() {
        GaussianDenoiser g = GaussianDenoiser.paper1d();
        float[] den = new float[1];
        float[] jv = new float[1];
        double x = 1.3;
        double s = 0.7;
        double f = (g.denoise(x, s) - x) / s;
        g.jvp(new float[] {(float) x}, new float[] {(float) s}, new float[] {(float) f}, new float[] {-1f}, 1, den, jv);
        double q = jv[0] / s;
        assertThat(q).isCloseTo(x / Math.pow(1 + s * s, 2), within(1e-6));
    }

    @Test
    void nonFiniteModelOutputStopsSamplingNamingStepAndSigma() {
        Denoiser nanAtOne = new Denoiser() {
            @Override
            public int sampleSize() {
                return 1;
            }

            @Override
            public void denoise(float[] x, float[] sigma, int batch, float[] out) {
                for (int b = 0; b < batch; b++) {
                    out[b] = sigma[b] == 1f ? Float.NaN : x[b] / (1 + sigma[b] * sigma[b]);
                }
            }
        };
        Schedule s = Schedule.of("t", 3, 2, 1, 0.5, 0);
        assertThatThrownBy(() -> new HeunSampler().sample(nanAtOne, s, new float[] {3f}, 1))
                .isInstanceOf(ArtException.class).hasMessageContaining("step 1").hasMessageContaining("sigma = 1.0");
        assertThatThrownBy(() -> new EulerSampler().sample(nanAtOne, s, new float[] {3f}, 1))
                .hasMessageContaining("step 2").hasMessageContaining("sigma = 1.0").hasMessageContaining("NaN");
        assertThatThrownBy(() -> new EulerSampler().sample(nanAtOne, s, new float[] {3f, 1f}, 1))
                .hasMessageContaining("1 * 1 = 1 floats, found 2");
    }

    private static double rms(float[] a, float[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            acc += d * d;
        }
        return Math.sqrt(acc / a.length);
    }
}
