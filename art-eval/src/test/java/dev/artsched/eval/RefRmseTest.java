package dev.artsched.eval;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.StepListener;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RefRmseTest {

    /** EDM (Karras) grid from sMax to sMin with rho, then 0. */
    static Schedule edm(int n, double sMax, double sMin, double rho) {
        double[] s = new double[n + 1];
        double a = Math.pow(sMax, 1 / rho);
        double b = Math.pow(sMin, 1 / rho);
        for (int i = 0; i < n; i++) {
            s[i] = n == 1 ? sMax : Math.pow(a + (double) i / (n - 1) * (b - a), rho);
        }
        return Schedule.of("edm", s);
    }

    static Schedule uniform(int n, double sMax) {
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            s[i] = sMax * (1 - (double) i / n);
        }
        return Schedule.of("uniform", s);
    }

    /** Counts denoiser calls (one per batched call). */
    static final class Counting implements Denoiser {
        final Denoiser inner;
        final AtomicInteger calls = new AtomicInteger();

        Counting(Denoiser inner) {
            this.inner = inner;
        }

        @Override
        public int sampleSize() {
            return inner.sampleSize();
        }

        @Override
        public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            calls.incrementAndGet();
            inner.denoise(x, sigma, batch, out);
        }
    }

    @Test
    void eulerOnTheGaussianMatchesTheClosedForm() {
        // Data N(0, 1): the exact flow maps x_T to x_T / sqrt(1 + T^2); Euler maps it to gain * x_T, so
        // ref-rmse = |gain - 1 / sqrt(1 + T^2)| * T * sqrt(mean |z|^2) up to the reference's tiny error.
        int dim = 3;
        int m = 400;
        long seed = 5;
        double t = 3.0;
        ReferenceSolutions refs = new ReferenceSolutions(new GaussianDenoiser(dim, 0, 1),
                ReferenceSolutions.Options.of(m, seed));
        RefRmse metric = new RefRmse(refs, Solver.EULER);
        float[] z = ReferenceSolutions.standardNormal(seed, m * dim);
        double zz = 0;
        for (float v : z) {
            zz += (double) v * v;
        }
        double zRms = Math.sqrt(zz / m);
        for (int k : new int[] {2, 5, 10}) {
            Schedule s = uniform(k, t);
            double gain = Gaussian1dW2.eulerGain(s.sigmas());
            double expected = Math.abs(gain - 1 / Math.sqrt(1 + t * t)) * t * zRms;
            assertThat(metric.evaluate(s, StepListener.NONE)).as("K = %d", k)
                    .isCloseTo(expected, within(2e-4 * expected + 1e-5));
        }
    }

    @Test
    void referenceIsComputedOncePerSigmaMaxAndReused() {
        Counting d = new Counting(GaussianMixtureDenoiser.twoDimensionalBenchmark());
        ReferenceSolutions refs = new ReferenceSolutions(d, ReferenceSolutions.Options.of(100, 1)
                .withBatchSize(50).withReference(64, 7, 0.002));
        RefRmse euler = new RefRmse(refs, Solver.EULER);
        RefRmse heun = new RefRmse(refs, Solver.HEUN);
        assertThat(euler.referenceWork(80)).isEqualTo(2 * 64);
        euler.evaluate(edm(5, 80, 0.002, 7), StepListener.NONE);
        int refCalls = 2 * (2 * 64 - 1);
        assertThat(d.calls.get()).isEqualTo(refCalls + 2 * 5);
        assertThat(euler.referenceWork(80)).isZero();
        heun.evaluate(edm(5, 80, 0.002, 7), StepListener.NONE);
        euler.evaluate(edm(10, 80, 0.002, 7), StepListener.NONE);
        assertThat(d.calls.get()).isEqualTo(refCalls + 2 * 5 + 2 * 9 + 2 * 10);
        euler.evaluate(edm(3, 40, 0.002, 7), StepListener.NONE);
        assertThat(d.calls.get()).isEqualTo(2 * refCalls + 2 * 5 + 2 * 9 + 2 * 10 + 2 * 3);
    }

    @Test
    void theReferenceGridScoresZeroAndHeunConverges() {
        ReferenceSolutions refs = new ReferenceSolutions(GaussianMixtureDenoiser.twoDimensionalBenchmark(),
                ReferenceSolutions.Options.of(200, 3).withReference(256, 7, 0.002));
        RefRmse heun = new RefRmse(refs, Solver.HEUN);
        assertThat(heun.evaluate(refs.referenceSchedule(80), StepListener.NONE)).isZero();
        double previous = Double.POSITIVE_INFINITY;
        for (int n : new int[] {3, 6, 12, 24, 48}) {
            double v = heun.evaluate(edm(n, 80, 0.002, 7), StepListener.NONE);
            assertThat(v).as("N = %d", n).isLessThan(previous).isGreaterThan(0);
            previous = v;
        }
        assertThat(previous).isLessThan(0.02);
    }

    @Test
    void resultDoesNotDependOnBatchSizeButOnSeed() {
        Denoiser d = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        Schedule s = edm(6, 80, 0.002, 7);
        ReferenceSolutions.Options o = ReferenceSolutions.Options.of(90, 7).withReference(32, 7, 0.002);
        double a = new RefRmse(new ReferenceSolutions(d, o.withBatchSize(90)), Solver.EULER)
                .evaluate(s, StepListener.NONE);
        double b = new RefRmse(new ReferenceSolutions(d, o.withBatchSize(13)), Solver.EULER)
                .evaluate(s, StepListener.NONE);
        double c = new RefRmse(new ReferenceSolutions(d, ReferenceSolutions.Options.of(90, 8)
                .withReference(32, 7, 0.002)), Solver.EULER).evaluate(s, StepListener.NONE);
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void referenceScheduleIsAnEdmGridToSigmaMinThenZero() {
        ReferenceSolutions refs = new ReferenceSolutions(GaussianDenoiser.paper1d(),
                ReferenceSolutions.Options.of(10, 1).withReference(8, 7, 0.01));
        Schedule r = refs.referenceSchedule(3);
        assertThat(r.steps()).isEqualTo(8);
        assertThat(r.sigma(0)).isEqualTo(3.0);
        assertThat(r.sigma(7)).isEqualTo(0.01);
        assertThat(r.sigma(8)).isZero();
        assertThat(r.sigmas()).containsExactly(edm(8, 3, 0.01, 7).sigmas(), within(1e-12));
        assertThatThrownBy(() -> refs.referenceSchedule(0.005)).isInstanceOf(ArtException.class)
                .hasMessageContaining("found 0.005");
    }

    @Test
    void rmsAndOptionsValidate() {
        assertThat(RefRmse.rms(new float[] {3, 4, 0, 0}, new float[] {0, 0, 0, 0}, 2))
                .isCloseTo(Math.sqrt(25 / 2.0), within(1e-12));
        assertThatThrownBy(() -> RefRmse.rms(new float[3], new float[4], 1)).isInstanceOf(ArtException.class);
        assertThatThrownBy(() -> ReferenceSolutions.Options.of(1, 1)).isInstanceOf(ArtException.class)
                .hasMessageContaining("samples must be >= 2, found 1");
        assertThatThrownBy(() -> ReferenceSolutions.Options.of(10, 1).withBatchSize(0))
                .isInstanceOf(ArtException.class).hasMessageContaining("found 0");
    }
}
