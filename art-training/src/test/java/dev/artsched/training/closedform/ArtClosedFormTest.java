package dev.artsched.training.closedform;

import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.eval.Gaussian1dW2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ArtClosedFormTest {
    private static final int[] KS = {2, 5, 10, 20, 50, 100};
    /** Exact W2 of the continuous optimum theta* ~ (1 + s^2)^(3/4) (docs/MATH.md section 4). */
    private static final double[] OPTIMUM = {.3492, .1493, .0771, .0392, .0159, .0080};
    private static ReferenceRollouts rollouts;

    @BeforeAll
    static void roll() {
        rollouts = ReferenceRollouts.run(AnalyticModels.paper1d(), 256, 1000, new Rng(7));
    }

    @Test
    void referenceRolloutsReportEveryFineGridPointAndMatchTheSilentRun() {
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        ReferenceRollouts r = ReferenceRollouts.run(AnalyticModels.paper1d(), 64, 50, new Rng(7), seen::add);
        assertThat(seen).hasSize(51).isSorted().startsWith(1).endsWith(51);
        assertThat(r.gamma0()).isEqualTo(ReferenceRollouts.run(AnalyticModels.paper1d(), 64, 50, new Rng(7)).gamma0());
    }

    @Test
    void closedFormIsWithinTwoPercentOfTheContinuousOptimum() {
        for (int i = 0; i < KS.length; i++) {
            double w2 = Gaussian1dW2.exact(ArtClosedForm.sigmas(rollouts, KS[i]));
            assertThat(w2).as("K = %d", KS[i]).isCloseTo(OPTIMUM[i], within(0.02 * OPTIMUM[i]));
        }
    }

    @Test
    void twoStepGridHasTheOptimumsInteriorPoint() {
        double[] s = ArtClosedForm.sigmas(rollouts, 2);
        assertThat(s[0]).isEqualTo(3.0);
        assertThat(s[2]).isEqualTo(0.0);
        assertThat(s[1]).isCloseTo(0.86, within(0.01));
    }

    @Test
    void gridEquidistributesTheIntegralOfRootMeanQ() {
        // 1-D: mean |Q| is proportional to (1 + s^2)^(-3/2), so every step carries the same
        // integral of (1 + s^2)^(-3/4) ds.
        double[] s = ArtClosedForm.sigmas(rollouts, 10);
        double[] parts = new double[10];
        for (int k = 0; k < 10; k++) {
            parts[k] = integrate(s[k + 1], s[k]);
        }
        for (double p : parts) {
            assertThat(p).isCloseTo(parts[0], within(1e-3 * parts[0] + 1e-6));
        }
    }

    @Test
    void initialGammaMatchesItsClosedFormOnTheBenchmark() {
        // gamma_0 = -(2/T) E[|x_T| / sqrt(1 + T^2)] * int_0^T (1 + s^2)^(-3/4) ds
        //         = -(2/T) sqrt(2/pi) int_0^T (1 + s^2)^(-3/4) ds  (x along the exact flow).
        double expected = -(2.0 / 3.0) * Math.sqrt(2 / Math.PI) * integrate(0, 3);
        assertThat(expected).isCloseTo(-0.75, within(0.05));
        ReferenceRollouts big = ReferenceRollouts.run(AnalyticModels.paper1d(), 8192, 400, new Rng(3));
        assertThat(big.gamma0()).isCloseTo(expected, within(0.03 * Math.abs(expected)));
        assertThat(rollouts.gamma0()).isBetween(-0.85, -0.65);
    }

    @Test
    void closedFormNeedsNoTrainingAndIgnoresTheTrajectoryCount() {
        ArtProblem p = AnalyticModels.paper1d();
        double[] a = ArtClosedForm.sigmas(p, 5, 16, 1000, 1);
        double[] b = ArtClosedForm.sigmas(p, 5, 512, 1000, 2);
        assertThat(a).containsExactly(b, within(1e-9));
    }

    private static double integrate(double lo, double hi) {
        int n = 20_000;
        double h = (hi - lo) / n;
        double acc = 0;
        for (int i = 0; i <= n; i++) {
            double s = lo + i * h;
            double w = i == 0 || i == n ? 0.5 : 1.0;
            acc += w * Math.pow(1 + s * s, -0.75);
        }
        return acc * h;
    }
}
