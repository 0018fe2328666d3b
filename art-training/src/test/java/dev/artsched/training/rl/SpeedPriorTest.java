package dev.artsched.training.rl;

import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;
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
        // 1-D: mean |Q| ~ (1 + s^2)^(-3/2), so theta* ~ (1 + s^2)^(3/4) (docs/MATH.md section 4)
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
    void secantSpeedsReproduceTheClosedFormGridAtCoarseK() {
        ArtProblem p = AnalyticModels.paper1d();
        ReferenceRollouts ref = ReferenceRollouts.run(p, 1024, 1000, new Rng(4));
        SpeedPrior prior = SpeedPrior.closedForm(ref, 1e-6);
        double[] cf = ArtClosedForm.sigmas(ref, 4);
        // four clock steps of dt = T/4 at the secant speed land on the closed-form grid and spend exactly T
        double psi = 0;
        double dt = 3.0 / 4;
        for (int k = 0; k < 4; k++) {
            psi += prior.secant(psi, dt) * dt;
            assertThat(3.0 - psi).as("sigma_%d", k + 1).isCloseTo(cf[k + 1], within(0.01));
        }
        // the pointwise speed read at the start of each long step does not
        double pointwise = 0;
        for (int k = 0; k < 4; k++) {
            pointwise += prior.at(pointwise) * dt;
        }
        assertThat(Math.abs(pointwise - 3.0)).isGreaterThan(0.05);
        // a fine step converges to the pointwise speed (up to the clock normalisation clock(T) = T, 0.2% here)
        assertThat(prior.secant(1.0, 1e-6)).isCloseTo(prior.at(1.0), within(1e-2 * prior.at(1.0)));
        assertThat(prior.secant(3.0, 0.5)).isEqualTo(prior.at(3.0));
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
