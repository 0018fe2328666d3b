package dev.artsched.training;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.analytic.AnalyticModels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SpeedPriorTest {

    @Test
    void oneDimensionalPriorIsTheContinuousOptimumAndSpendsExactlyTheBudget() {
        ArtProblem p = AnalyticModels.paper1d();
        ReferenceRollouts ref = ReferenceRollouts.run(p, 4096, 1000, new Rng(3));
        SpeedPrior prior = SpeedPrior.closedForm(ref, 1e-6);
        // 1-D: mean |Q| ~ (1 + s^2)^(-3/2), so theta* ~ (1 + s^2)^(3/4) (ART.md section 4)
        double[] psi = {0.0, 1.0, 2.0, 2.5, 2.9};
        for (double a : psi) {
            double sa = 3.0 - a;
            double expected = Math.pow((1 + sa * sa) / 10.0, 0.75);
            assertThat(prior.at(a) / prior.at(0.0)).as("psi %s", a).isCloseTo(expected, within(0.03 * expected));
        }
        // integral_0^T dpsi / theta = T: the clock budget is met exactly by construction
        double clock = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            clock += 3.0 / n / prior.at(3.0 * (i + 0.5) / n);
        }
        assertThat(clock).isCloseTo(3.0, within(0.01));
    }

    @Test
    void interpolatesLinearlyAndClampsOutside() {
        SpeedPrior s = new SpeedPrior(new double[] {0, 1, 3}, new double[] {4, 2, 1});
        assertThat(s.at(-1)).isEqualTo(4);
        assertThat(s.at(0.5)).isEqualTo(3);
        assertThat(s.at(1)).isEqualTo(2);
        assertThat(s.at(2)).isEqualTo(1.5);
        assertThat(s.at(7)).isEqualTo(1);
        assertThat(SpeedPrior.restore(s.export()).at(2)).isEqualTo(1.5);
    }

    @Test
    void rejectsBadTablesWithOneMessage() {
        assertThatThrownBy(() -> new SpeedPrior(new double[] {0, 1}, new double[] {1, -2}))
                .isInstanceOf(ArtException.class).hasMessageContaining("positive finite speeds");
        assertThatThrownBy(() -> new SpeedPrior(new double[] {0, 0}, new double[] {1, 2}))
                .isInstanceOf(ArtException.class).hasMessageContaining("increasing nodes");
        assertThatThrownBy(() -> SpeedPrior.restore(new double[][] {{1}}))
                .isInstanceOf(ArtException.class).hasMessageContaining("2 rows");
    }
}
