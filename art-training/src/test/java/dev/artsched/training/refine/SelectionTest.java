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
    void aCloseRaceOnAHeavyTailedModelGrowsTheNoiseSetFourfoldUpToTheCap() {
        // two narrow modes: a few trajectories that end in the wrong mode carry most of the error
        DoubleDenoiser narrow = DoubleDenoiser.withJvp(new GaussianMixtureDenoiser(new double[][] {{-1}, {1}},
                new double[] {1, 1}, new double[] {0.01, 0.01}));
        List<double[]> grids = List.of(GridSolver.edmGrid(10, 0.002, 4, 7), GridSolver.edmGrid(10, 0.002, 4, 7.5));
        Selection.Outcome grown = Selection.pick(narrow, Solver.EULER, grids, REFERENCE, 64, 4096, 1);
        assertThat(grown.noises()).isIn(256, 1024, 4096);
        assertThat(grown.losses()[grown.best()]).isEqualTo(Math.min(grown.losses()[0], grown.losses()[1]));
        Selection.Outcome capped = Selection.pick(narrow, Solver.EULER, grids, REFERENCE, 64, 100, 1);
        assertThat(capped.noises()).isEqualTo(100);
    }

    @Test
    void theSameGridTwiceIsNoRace() {
        double[] edm = GridSolver.edmGrid(10, 0.002, 8, 7);
        double[] uniform = new double[9];
        for (int k = 0; k < 8; k++) {
            uniform[k] = 10 * (1 - k / 8.0);
        }
        Selection.Outcome o = Selection.pick(MODEL, Solver.HEUN, List.of(uniform, edm, edm.clone()), REFERENCE, 64,
                1000, 1);
        assertThat(o.noises()).isEqualTo(64);
        assertThat(o.best()).isEqualTo(1);
    }

    @Test
    void theCapHoldsAboutTwoMillionValuesWithinTheBounds() {
        assertThat(Selection.cap(64, 2)).isEqualTo(131072);
        assertThat(Selection.cap(64, 784)).isEqualTo((1 << 21) / 784);
        assertThat(Selection.cap(5000, 784)).isEqualTo(5000);
    }
}
