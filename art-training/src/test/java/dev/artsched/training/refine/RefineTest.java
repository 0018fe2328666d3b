package dev.artsched.training.refine;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RefineTest {
    private static final GaussianMixtureDenoiser MIX = GaussianMixtureDenoiser.twoDimensionalBenchmark();
    private static final double[] START = {10, 5.2, 3.2, 2.1, 1.0, 0.3, 0.0};

    @Test
    void forwardModeGradientMatchesCentralDifferences() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(MIX);
        double[] z = GridSolver.noise(5, 8, 2);
        double[] ref = GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(10, 0.002, 200, 7), z, 8);
        for (Solver solver : Solver.values()) {
            double[] g = new double[START.length - 2];
            Sensitivities.lossAndGradient(model, solver, START, z, ref, 8, g);
            for (int i = 1; i < START.length - 1; i++) {
                double h = 1e-6 * START[i];
                double[] p = START.clone();
                double[] m = START.clone();
                p[i] += h;
                m[i] -= h;
                double fd = (Refine.valid(model, solver, p, z, ref, 8) - Refine.valid(model, solver, m, z, ref, 8))
                        / (2 * h);
                assertThat(g[i - 1]).as("%s dL/dsigma_%d", solver, i).isCloseTo(fd, within(1e-6 * Math.abs(fd) + 1e-9));
            }
        }
    }

    @Test
    void parameterisationRoundTripsAndChainsTheGradient() {
        MonotoneGrid grid = new MonotoneGrid(10, 0.002);
        double[] a = grid.logits(START);
        assertThat(grid.sigmas(a)).containsExactly(START, within(1e-12));
        double[] gs = {0.3, -1.0, 0.5, 2.0, -0.7};
        double[] ga = grid.chain(a, gs);
        for (int m = 0; m < a.length; m++) {
            double[] ap = a.clone();
            double[] am = a.clone();
            ap[m] += 1e-6;
            am[m] -= 1e-6;
            double fd = 0;
            double[] sp = grid.sigmas(ap);
            double[] sm = grid.sigmas(am);
            for (int i = 1; i < START.length - 1; i++) {
                fd += gs[i - 1] * (sp[i] - sm[i]) / 2e-6;
            }
            assertThat(ga[m]).isCloseTo(fd, within(1e-6));
        }
    }

    @Test
    void refinementImprovesTheStartOnValidationNoises() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(MIX);
        Refine.Config config = new Refine.Config(32, 32, 32, 40, 0.05, 40, 200, Refine.Gradient.AUTO, 0, 1);
        Refine.Result r = Refine.run(model, Solver.HEUN, 0.002, List.of(new Refine.Start("start", START)), config,
                null);
        assertThat(r.training()).containsEntry("gradient", "jvp");
        assertThat(r.bestValid()).isLessThan(0.5 * r.startValid());
        assertThat(r.sigmas()).hasSize(START.length);
    }

    @Test
    void neverReturnsAGridWorseThanItsStartOnTheValidationNoises() {
        DoubleDenoiser model = DoubleDenoiser.withJvp(MIX);
        // a huge step throws every iterate far off: the start must come back unchanged
        Refine.Config config = new Refine.Config(16, 16, 16, 6, 50.0, 6, 100, Refine.Gradient.JVP, 0, 2);
        double[] good = {10, 5.3, 3.3, 2.26, 1.64, 1.23, 0.93, 0.69, 0.47, 0.13, 0};
        double[] bad = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        Refine.Result r = Refine.run(model, Solver.HEUN, 0.002,
                List.of(new Refine.Start("bad", bad), new Refine.Start("good", good)), config, null);
        assertThat(r.start()).isEqualTo("good");
        assertThat(r.bestValid()).isLessThanOrEqualTo(r.startValid());
        if (r.bestValid() == r.startValid()) {
            assertThat(r.sigmas()).containsExactly(good);
        }
    }

    @Test
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Refine.Config full = new Refine.Config(32, 32, 16, 20, 0.05, 100, 100, Refine.Gradient.JVP, 0, 4);
        List<Refine.Start> starts = List.of(new Refine.Start("start", START));
        Refine.Result straight = Refine.run(DoubleDenoiser.withJvp(MIX), Solver.HEUN, 0.002, starts, full, null);
        java.nio.file.Path ck = dir.resolve("refine.ckpt");
        Refine.run(DoubleDenoiser.withJvp(MIX), Solver.HEUN, 0.002, starts, full.withIterations(8, 100), null, ck,
                false);
        Refine.Result resumed = Refine.run(DoubleDenoiser.withJvp(MIX), Solver.HEUN, 0.002, starts, full, null, ck,
                true);
        assertThat(resumed.training()).containsEntry("resumed_from", 8);
        assertThat(resumed.sigmas()).containsExactly(straight.sigmas());
        assertThat(resumed.bestValid()).isEqualTo(straight.bestValid());
    }

    @Test
    void finiteDifferencesStandInWithoutAJvp() {
        DoubleDenoiser model = DoubleDenoiser.forwardOnly(MIX);
        Refine.Config config = new Refine.Config(16, 16, 16, 10, 0.05, 10, 100, Refine.Gradient.AUTO, 100_000, 1);
        Refine.Result r = Refine.run(model, Solver.EULER, 0.002, List.of(new Refine.Start("start", START)), config,
                null);
        assertThat(r.training()).containsEntry("gradient", "finite-difference");
        assertThat(r.bestValid()).isLessThan(r.startValid());
    }

    @Test
    void noJvpAndNoFiniteDifferenceBudgetIsOneClearError() {
        DoubleDenoiser model = DoubleDenoiser.forwardOnly(MIX);
        Refine.Config config = Refine.Config.defaults(0).withGradient(Refine.Gradient.AUTO, 0);
        assertThatThrownBy(() -> Refine.run(model, Solver.EULER, 0.002, List.of(new Refine.Start("s", START)), config,
                null)).isInstanceOf(ArtException.class)
                .hasMessage("refine needs a JVP graph or a finite-difference budget: the model has no JVP in use and "
                        + "the FD budget of 0 denoiser calls is below one gradient (72 calls)");
    }
}
