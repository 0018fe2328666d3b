package dev.artsched.training.refine;

import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SelectionTest {
    private static final DoubleDenoiser MODEL =
            DoubleDenoiser.withJvp(GaussianMixtureDenoiser.twoDimensionalBenchmark());
    private static final double[] REFERENCE = GridSolver.edmGrid(10, 0.002, 64, 7);

    @Test
    void aClearWinnerIsPickedOnTheFirstNoiseSet() {
        double[] edm = GridSolver.edmGrid(10, 0.002, 8, 7);
        double[] uniform = new double[9];
        for (int k = 0; k < 8; k++) {
            uniform[k] = 10 * (1 - k / 8.0);
        }
        Selection.Outcome o = Selection.pick(MODEL, Solver.HEUN, List.of(uniform, edm), REFERENCE, 64, 4096, 1);
        assertThat(o.best()).isEqualTo(1);
        assertThat(o.noises()).isEqualTo(64);
        assertThat(o.losses()[1]).isLessThan(o.losses()[0]);
    }

    @Test
    void aTieGrowsTheNoiseSetFourfoldUpToTheCap() {
        double[] edm = GridSolver.edmGrid(10, 0.002, 8, 7);
        Selection.Outcome o = Selection.pick(MODEL, Solver.HEUN, List.of(edm, edm.clone()), REFERENCE, 64, 1000, 1);
        assertThat(o.noises()).isEqualTo(1000);
        assertThat(o.best()).isZero();
        assertThat(o.losses()[0]).isEqualTo(o.losses()[1]);
    }

    @Test
    void theCapHoldsAboutTwoMillionValuesWithinTheBounds() {
        assertThat(Selection.cap(64, 2)).isEqualTo(131072);
        assertThat(Selection.cap(64, 784)).isEqualTo((1 << 21) / 784);
        assertThat(Selection.cap(5000, 784)).isEqualTo(5000);
    }
}
