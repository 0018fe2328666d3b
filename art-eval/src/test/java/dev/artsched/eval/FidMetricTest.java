package dev.artsched.eval;

import dev.artsched.sampling.StepListener;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FidMetricTest {

    @Test
    void eulerOnTheGaussianMatchesTheExactOutputDistribution() {
        // Euler on data N(0, I) maps x_T = T z to gain * T z; FD against the data is d (|gain| T - 1)^2.
        int dim = 2;
        int m = 4000;
        ReferenceSolutions refs = new ReferenceSolutions(new GaussianDenoiser(dim, 0, 1),
                ReferenceSolutions.Options.of(m, 9));
        GaussianStats data = new GaussianStats(new double[dim], new double[][] {{1, 0}, {0, 1}}, m);
        FidMetric fid = new FidMetric(refs, Solver.EULER, FeatureExtractor.identity(dim), data);
        Schedule s = RefRmseTest.uniform(5, 3.0);
        double gain = Gaussian1dW2.eulerGain(s.sigmas());
        GaussianStats out = GaussianStats.of(refs.solve(s, Solver.EULER, StepListener.NONE), m, dim);
        double value = fid.evaluate(s, StepListener.NONE);
        assertThat(value).isCloseTo(Fid.distance(out, data), within(1e-12));
        // The output is N(0, (gain T)^2 I) up to sampling noise of O(1/sqrt(m)) in the statistics.
        double sd = Math.abs(gain) * 3.0;
        assertThat(value).isCloseTo(dim * (sd - 1) * (sd - 1), within(0.01));
    }

    @Test
    void withoutReferenceStatsTheFineGridSolutionIsTheTarget() {
        ReferenceSolutions refs = new ReferenceSolutions(GaussianMixtureDenoiser.twoDimensionalBenchmark(),
                ReferenceSolutions.Options.of(300, 2).withReference(128, 7, 0.002));
        FidMetric fid = new FidMetric(refs, Solver.HEUN, FeatureExtractor.identity(2), null);
        assertThat(fid.referenceWork(80)).isEqualTo(2 * 128);
        double coarse = fid.evaluate(RefRmseTest.edm(3, 80, 0.002, 7), StepListener.NONE);
        double fine = fid.evaluate(RefRmseTest.edm(20, 80, 0.002, 7), StepListener.NONE);
        assertThat(fid.referenceStats().count()).isEqualTo(300);
        assertThat(fine).isLessThan(coarse);
        assertThat(fid.evaluate(refs.referenceSchedule(80), StepListener.NONE)).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void rejectsMismatchedExtractorAndStats() {
        ReferenceSolutions refs = new ReferenceSolutions(GaussianMixtureDenoiser.twoDimensionalBenchmark(),
                ReferenceSolutions.Options.of(10, 2));
        assertThatThrownBy(() -> new FidMetric(refs, Solver.HEUN, FeatureExtractor.identity(3), null))
                .isInstanceOf(ArtException.class).hasMessageContaining("expects samples of 3 floats");
        GaussianStats three = new GaussianStats(new double[3], new double[3][3], 5);
        assertThatThrownBy(() -> new FidMetric(refs, Solver.HEUN, FeatureExtractor.identity(2), three))
                .isInstanceOf(ArtException.class).hasMessageContaining("dimension 2, found 3");
    }
}
