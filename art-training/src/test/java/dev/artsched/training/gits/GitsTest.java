package dev.artsched.training.gits;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GitsTest {

    /** Independent implementation: every increasing path, the k-th jump weighing coeff^(k-1). */
    private static double[] bruteForce(double[][] c, int steps, double coeff, int[] bestOut) {
        int m = c.length - 1;
        double[] best = {Double.POSITIVE_INFINITY};
        int[] path = new int[steps + 1];
        path[steps] = m;
        enumerate(c, steps, coeff, path, 1, 0, best, bestOut);
        return best;
    }

    private static void enumerate(double[][] c, int steps, double coeff, int[] path, int pos, int prev, double[] best,
                                  int[] bestOut) {
        int m = c.length - 1;
        if (pos == steps) {
            double total = 0;
            for (int k = 1; k <= steps; k++) {
                total += Math.pow(coeff, k - 1) * c[path[k - 1]][path[k]];
            }
            if (total < best[0]) {
                best[0] = total;
                System.arraycopy(path, 0, bestOut, 0, path.length);
            }
            return;
        }
        for (int j = prev + 1; j < m; j++) {
            path[pos] = j;
            enumerate(c, steps, coeff, path, pos + 1, j, best, bestOut);
        }
    }

    @Test
    void dpMatchesExhaustiveSearchOnFixedCostMatrices() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 5; trial++) {
            int m = 9;
            double[][] c = new double[m + 1][m + 1];
            for (int i = 0; i <= m; i++) {
                for (int j = i + 1; j <= m; j++) {
                    c[i][j] = rng.nextDouble() * (j - i);
                }
            }
            for (double coeff : new double[] {1.0, 1.15, 1.6}) {
                for (int n = 1; n <= m; n++) {
                    int[] expected = new int[n + 1];
                    double best = bruteForce(c, n, coeff, expected)[0];
                    int[] path = Gits.dp(c, n, coeff);
                    assertThat(path).as("trial %d coeff %s N %d", trial, coeff, n).containsExactly(expected);
                    assertThat(Gits.pathCost(c, path, coeff)).isCloseTo(best, within(1e-12));
                }
            }
        }
    }

    @Test
    void coefficientWeighsTheLateJumps() {
        double inf = Double.POSITIVE_INFINITY;
        double[][] c = {
            {inf, 1.0, 3.0, inf},
            {inf, inf, inf, 3.0},
            {inf, inf, inf, 1.6},
            {inf, inf, inf, inf}};
        // 0-1-3: 1 + coeff * 3; 0-2-3: 3 + coeff * 1.6
        assertThat(Gits.dp(c, 2, 1.0)).containsExactly(0, 1, 3);
        assertThat(Gits.pathCost(c, new int[] {0, 1, 3}, 1.0)).isEqualTo(4.0);
        assertThat(Gits.dp(c, 2, 1.5)).containsExactly(0, 2, 3);
        assertThat(Gits.pathCost(c, new int[] {0, 2, 3}, 1.5)).isCloseTo(5.4, within(1e-12));
    }

    @Test
    void moreStepsThanTheTeacherGridIsOneClearError() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(GaussianMixtureDenoiser.twoDimensionalBenchmark());
        assertThatThrownBy(() -> Gits.search(model, Solver.EULER, 10, 0.002, 12,
                new Gits.Config(8, 1, 4, 1.15, 0), null))
                .isInstanceOf(ArtException.class)
                .hasMessage("GITS needs a teacher grid of at least N steps: expected N <= 8 teacher steps, found N = 12");
    }

    @Test
    void searchedGridComesFromTheTeacherAndBeatsEdmOnTheMixture() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(GaussianMixtureDenoiser.twoDimensionalBenchmark());
        for (Solver solver : Solver.values()) {
            Gits.Result r = Gits.search(model, solver, 10, 0.002, 10, new Gits.Config(60, 2, 64, 1.15, 3), null);
            double[] teacher = Gits.teacherGrid(10, 0.002, 60);
            for (int k = 0; k <= 10; k++) {
                assertThat(r.sigmas()[k]).isEqualTo(teacher[r.indices()[k]]);
            }
            assertThat(r.sigmas()[10]).isZero();
            double[] z = GridSolver.noise(99, 256, 2);
            double[] ref = GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(10, 0.002, 400, 7), z, 256);
            double gits = GridSolver.loss(GridSolver.solve(model, solver, r.sigmas(), z, 256), ref, 2);
            double edm = GridSolver.loss(GridSolver.solve(model, solver, GridSolver.edmGrid(10, 0.002, 10, 7), z, 256),
                    ref, 2);
            assertThat(gits).as("%s", solver).isLessThan(0.7 * edm);
        }
    }

    @Test
    void anInterruptedSearchResumesFromItsCheckpointToTheSameGrid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        DoubleDenoiser model = DoubleDenoiser.withJvp(GaussianMixtureDenoiser.twoDimensionalBenchmark());
        Gits.Config config = new Gits.Config(20, 2, 16, 1.0, 5);
        Gits.Result whole = Gits.search(model, Solver.HEUN, 10, 0.002, 6, config, null);
        java.nio.file.Path ck = dir.resolve("gits.ckpt");
        int[] seen = {0};
        assertThatThrownBy(() -> Gits.search(model, Solver.HEUN, 10, 0.002, 6, config, i -> {
            if (++seen[0] == 7) {
                throw new IllegalStateException("killed");
            }
        }, ck, false)).hasMessage("killed");
        long before = model.calls();
        Gits.Result resumed = Gits.search(model, Solver.HEUN, 10, 0.002, 6, config, null, ck, true);
        assertThat(resumed.sigmas()).containsExactly(whole.sigmas());
        assertThat(resumed.cost()).isEqualTo(whole.cost());
        assertThat(resumed.training().get("resumed_rows")).isEqualTo(7);
        long fresh = whole.calls();
        assertThat(model.calls() - before).isLessThan(fresh);
        // the cost matrix does not depend on N: the same checkpoint serves another N
        assertThat(Gits.search(model, Solver.HEUN, 10, 0.002, 4, config, null, ck, true).sigmas())
                .containsExactly(Gits.search(model, Solver.HEUN, 10, 0.002, 4, config, null).sigmas());
        // another warm-up size is another run
        assertThatThrownBy(() -> Gits.search(model, Solver.HEUN, 10, 0.002, 6, new Gits.Config(20, 2, 8, 1.0, 5),
                null, ck, true))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("is for M = 20, 2 sub-steps, 16 warm-up noises")
                .hasMessageContaining("expected M = 20, 2 sub-steps, 8 warm-up noises");
        // another model fails the teacher checksum
        DoubleDenoiser other = DoubleDenoiser.withJvp(new GaussianMixtureDenoiser(
                new double[][] {{2, 2}, {2, -2}}, new double[] {1, 1}, new double[] {0.3, 0.3}));
        assertThatThrownBy(() -> Gits.search(other, Solver.HEUN, 10, 0.002, 6, config, null, ck, true))
                .isInstanceOf(ArtException.class).hasMessageContaining("was made with another model");
    }
}
