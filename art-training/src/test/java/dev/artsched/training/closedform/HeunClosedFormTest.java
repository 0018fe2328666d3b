package dev.artsched.training.closedform;

import dev.artsched.scheduler.Solver;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HeunClosedFormTest {

    @Test
    void constantDensityAndQuadraticLastStepGiveTheEquidistributedGrid() {
        // C = 1 and E(s) = s^2: e per step gives Heun steps of e^(1/3) above the last sigma e^(1/2)
        int probes = 400;
        double t = 10;
        double[] s = GridSolver.edmGrid(t, 1e-3, probes, 3.0);
        double[] sig = java.util.Arrays.copyOf(s, probes);
        double[] c = new double[probes];
        double[] last = new double[probes];
        for (int k = 0; k < probes; k++) {
            c[k] = 1;
            last[k] = sig[k] * sig[k];
        }
        int n = 5;
        double lo = 1e-9;
        double hi = 100;
        for (int it = 0; it < 200; it++) {
            double e = Math.sqrt(lo * hi);
            if (t - Math.sqrt(e) > (n - 1) * Math.cbrt(e)) {
                lo = e;
            } else {
                hi = e;
            }
        }
        double tail = Math.sqrt(lo);
        double[] grid = HeunClosedForm.sigmas(new HeunClosedForm.Density(sig, c, last, 0), n);
        assertThat(grid[0]).isEqualTo(t);
        assertThat(grid[n]).isZero();
        assertThat(grid[n - 1]).isCloseTo(tail, within(1e-3 * tail));
        for (int j = 1; j < n - 1; j++) {
            assertThat(grid[j]).isCloseTo(t - j * (t - tail) / (n - 1), within(1e-3));
        }
    }

    @Test
    void heunRuleBeatsTheEulerRuleForHeunOnTheMixture() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(GaussianMixtureDenoiser.twoDimensionalBenchmark());
        double[] heun = HeunClosedForm.sigmas(HeunClosedForm.density(model, 10, 0.002, 64, 48, 0), 10);
        double[] euler = ArtClosedForm.sigmas(AnalyticModels.problem("mixture2d", AnalyticModels.exactFlow("mixture2d"),
                10, 0.002), 10, 128, 1000, 0);
        double[] z = GridSolver.noise(42, 256, 2);
        double[] ref = GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(10, 0.002, 400, 7), z, 256);
        double lh = GridSolver.loss(GridSolver.solve(model, Solver.HEUN, heun, z, 256), ref, 2);
        double le = GridSolver.loss(GridSolver.solve(model, Solver.HEUN, euler, z, 256), ref, 2);
        assertThat(lh).isLessThan(0.8 * le);
    }
}
