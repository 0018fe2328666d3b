package dev.artsched.training.rl;

import dev.artsched.sampling.HeunLocalError;
import dev.artsched.scheduler.Schedule;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The robust default: the budget-exact clock on the solver's closed form, and the prior gate. */
class SolverAwarePriorTest {
    private static ArtProblem mixture() {
        return AnalyticModels.problem("mixture2d", AnalyticModels.exactFlow("mixture2d"), 80, 0.002);
    }

    private static HeunClosedForm.Density density(ArtProblem p, long seed) {
        return HeunClosedForm.density(DoubleDenoiser.withJvp(AnalyticModels.denoiser("mixture2d")), p.sigmaMax(),
                p.sigmaMin(), 64, 64, seed);
    }

    private static ArtRlTrainer trainer(ArtProblem p) {
        return new ArtRlTrainer(p, FeatureMaps.forDimension(p.dim()), NetworkFactory.PAPER,
                OptimiserFactory.paperAdam());
    }

    @Test
    void theRobustPresetIsTheExactClockAndThePaperPresetStaysFree() {
        ArtRlConfig robust = ArtRlConfig.robust(0);
        assertThat(robust.budgetExact()).isTrue();
        assertThat(robust.lambda()).isEqualTo(0.1);
        assertThat(robust.closedFormPrior()).isTrue();
        assertThat(ArtRlConfig.paper(0).budgetExact()).isFalse();
        assertThat(ArtRlConfig.paper(0).lambda()).isEqualTo(0.1);
        assertThat(ArtRlConfig.paper(0).iterations()).isEqualTo(5000);
    }

    @Test
    void aGridPriorFollowsItsGridOnTheClock() {
        double[] grid = {80, 20, 3, 0.4, 0.0};
        SpeedPrior p = SpeedPrior.ofGrid(grid);
        for (int j = 0; j < grid.length; j++) {
            assertThat(p.psiAtClock(80.0 * j / 4)).isCloseTo(80 - grid[j], within(1e-12));
            assertThat(p.clockAt(80 - grid[j])).isCloseTo(80.0 * j / 4, within(1e-12));
        }
        assertThat(PriorGate.priorGrid(p, 80, 4)).containsExactly(grid, within(1e-12));
    }

    @Test
    void theHeunCostIsSpreadEquallyByTheHeunClosedForm() {
        ArtProblem p = mixture();
        HeunClosedForm.Density d = density(p, 1);
        HeunLocalError cost = new HeunLocalError(d.sigmas(), d.c(), d.last());
        double[] cf = HeunClosedForm.sigmas(d, 10);
        double first = cost.step(cf[0], cf[1]);
        for (int k = 1; k < 9; k++) {
            assertThat(cost.step(cf[k], cf[k + 1])).as("Heun step %d", k).isCloseTo(first, within(1e-3 * first));
        }
        // a coarser first step costs more than the equal share: the cost is cubic in the step's density mass
        double[] skewed = cf.clone();
        skewed[1] = 0.5 * (cf[1] + cf[2]);
        assertThat(cost.objective(skewed)).isGreaterThan(cost.objective(cf));
        // Uniform spends far more than the closed form
        double[] uniform = new double[11];
        for (int k = 0; k <= 10; k++) {
            uniform[k] = 80 * (1 - k / 10.0);
        }
        assertThat(cost.objective(uniform)).isGreaterThan(2 * cost.objective(cf));
    }

    @Test
    void aHeunRunStartsAtTheHeunClosedFormAndSpendsTheBudget() {
        ArtProblem p = mixture();
        ArtRlConfig c = ArtRlConfig.robust(4).withTrainSteps(6).withIterations(3).withBatch(4)
                .withGammaReference(64, 200);
        HeunClosedForm.Density d = density(p, 4);
        ArtRlResult r = trainer(p).train(c, TrainingRun.quiet(), d);
        assertThat(r.convergence().closedFormGrid()).containsExactly(HeunClosedForm.sigmas(d, 6), within(1e-9));
        assertThat(r.convergence().budgetError()).isCloseTo(0.0, within(1e-12));
        Schedule.validate(r.sigmas());
        assertThat(r.training()).containsKey("prior_gate");
        // three iterations barely move the actor (u ~ 1): the run ends at or next to the Heun closed form
        assertThat(r.convergence().ratio()).isCloseTo(1.0, within(0.05));
        ArtRlResult euler = trainer(p).train(c, TrainingRun.quiet());
        assertThat(euler.convergence().closedFormGrid()).containsExactly(
                ArtClosedForm.sigmas(ArtRlTrainer.reference(p, c), 6), within(0.05 * 80));
        assertThat(euler.convergence().closedFormGrid()).isNotEqualTo(r.convergence().closedFormGrid());
    }

    @Test
    void aHeunRunMeetsTheBudgetAtEveryStepCountFromTwo() {
        ArtProblem p = mixture();
        HeunClosedForm.Density d = density(p, 6);
        for (int k : new int[] {2, 3, 5}) {
            ArtRlConfig c = ArtRlConfig.robust(6).withTrainSteps(k).withIterations(4).withBatch(4)
                    .withGammaReference(32, 100);
            ArtRlResult r = trainer(p).train(c, TrainingRun.quiet(), d);
            Schedule.validate(r.sigmas());
            assertThat(r.sigmas()).as("K = %d", k).hasSize(k + 1);
            assertThat(r.sigmas()[k]).isZero();
            assertThat(r.convergence().budgetError()).as("K = %d", k).isCloseTo(0.0, within(1e-12));
            assertThat(r.convergence().ratio()).as("K = %d", k).isLessThanOrEqualTo(1.0);
        }
    }

    @Test
    void anEulerCheckpointCannotContinueAsAHeunRun(@TempDir Path dir) {
        ArtProblem p = mixture();
        ArtRlConfig c = ArtRlConfig.robust(7).withTrainSteps(4).withIterations(2).withBatch(2)
                .withGammaReference(16, 100).withCheckpointEvery(1);
        Path ck = dir.resolve("e.ckpt");
        trainer(p).train(c, new TrainingRun(ck, false, null, null));
        assertThatThrownBy(() -> trainer(p).train(c.withIterations(3), new TrainingRun(ck, true, null, null),
                density(p, 7))).hasMessageContaining("solver_cost (not recorded in the checkpoint, now heun)");
    }

    @Test
    void theGateKeepsThePriorAgainstAWorseLearnedGrid() {
        ArtProblem p = mixture();
        double[] cf = ArtClosedForm.sigmas(ReferenceRollouts.run(p, 128, 400, new Rng(2)), 8);
        double[] uniform = new double[9];
        for (int k = 0; k <= 8; k++) {
            uniform[k] = 80 * (1 - k / 8.0);
        }
        for (boolean heun : new boolean[] {false, true}) {
            PriorGate g = PriorGate.choose(p, cf, uniform, heun, 128, 11);
            assertThat(g.weight()).as("heun %s", heun).isZero();
            assertThat(g.sigmas()).containsExactly(cf);
            assertThat(g.errors()[4]).isGreaterThan(g.errors()[0]);
            assertThat((Map<String, Object>) g.describe()).containsKeys("learned_weight", "held_out_rmse");
            // the other way round a blend towards the learned grid (the closed form) wins, the best one
            PriorGate back = PriorGate.choose(p, uniform, cf, heun, 128, 11);
            assertThat(back.weight()).as("heun %s", heun).isPositive();
            double kept = back.errors()[(int) Math.round(back.weight() * 4)];
            assertThat(kept).isLessThan(0.99 * back.errors()[0]);
            for (double e : back.errors()) {
                assertThat(kept).isLessThanOrEqualTo(e);
            }
        }
    }
}
