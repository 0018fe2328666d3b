package dev.artsched.training.rl;

import dev.artsched.scheduler.Schedule;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ExactFlowModel;
import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.problem.InitialState;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.IterationStats;
import dev.artsched.training.run.TrainingListener;
import dev.artsched.training.run.TrainingRun;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The budget-exact prior clock: every rollout spends exactly T, and the diagnostics and resume hold. */
class BudgetExactClockTest {
    @TempDir
    Path dir;

    private static ArtRlTrainer trainer(ArtProblem problem) {
        return new ArtRlTrainer(problem, FeatureMaps.forDimension(problem.dim()), NetworkFactory.PAPER,
                OptimiserFactory.paperAdam());
    }

    private static ArtRlConfig exact(int k, int iterations) {
        return ArtRlConfig.robust(5).withTrainSteps(k).withBatch(6).withIterations(iterations).withLambda(0.1)
                .withGammaReference(128, 400).withCheckpointEvery(10).withBudgetExact(true);
    }

    /** A sharp mixture at a scale the robust free clock was never tuned on: T = 120, spreads 0.02 to 0.4. */
    private static ArtProblem sharp() {
        double[][] means = {{3, 0}, {-2, 2}, {0, -4}, {1.5, 1.5}};
        GaussianMixtureDenoiser m = new GaussianMixtureDenoiser(means, new double[] {1, 5, 0.5, 2},
                new double[] {0.02, 0.4, 0.1, 0.05});
        ExactFlowModel flow = new ExactFlowModel(m);
        return new ArtProblem(flow, 120, 0.002, InitialState.normal(120), QNorm.forDimension(2),
                Map.of("model", "sharp-test-mixture"));
    }

    @Test
    void everyRolloutSpendsExactlyTheBudgetAndTheGridIsValid() {
        List<Double> budgets = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                budgets.add(s.budgetError());
            }
        };
        for (int k : new int[] {2, 5, 18}) {
            budgets.clear();
            ArtRlResult r = trainer(sharp()).train(exact(k, 20), new TrainingRun(null, false, null, l));
            Schedule.validate(r.sigmas());
            assertThat(r.sigmas()).hasSize(k + 1);
            assertThat(budgets).hasSize(20).allSatisfy(b -> assertThat(b).isCloseTo(0.0, within(1e-9)));
            assertThat(r.convergence().budgetError()).isCloseTo(0.0, within(1e-12));
            assertThat(r.dropped()).isZero();
        }
    }

    @Test
    void anUntrainedActorFollowsTheClosedFormGrid() {
        ArtProblem p = AnalyticModels.paper1d();
        ArtRlConfig c = exact(10, 1).withGammaReference(256, 1000);
        ArtRlResult r = trainer(p).train(c, TrainingRun.quiet());
        // u = exp(0.01-scale output) ~ 1: the greedy path is the prior's, i.e. the closed-form grid
        double[] cf = ArtClosedForm.sigmas(ArtRlTrainer.reference(p, c), 10);
        assertThat(r.sigmas()).containsExactly(cf, within(0.03));
        assertThat(r.convergence().closedFormGrid()).containsExactly(cf, within(1e-3));
        assertThat(r.convergence().ratio()).isCloseTo(1.0, within(0.02));
    }

    @Test
    void resumingAfterAKillGivesTheSameGridAndDiagnostics() {
        ArtRlConfig c = exact(6, 30);
        ArtRlResult straight = trainer(sharp()).train(c, TrainingRun.quiet());
        Path ck = dir.resolve("exact.ckpt");
        TrainingListener kill = new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                if (s.iteration() == 28) {
                    throw new IllegalStateException("simulated kill");
                }
            }
        };
        assertThatThrownBy(() -> trainer(sharp()).train(c, new TrainingRun(ck, true, null, kill)))
                .hasMessageContaining("simulated kill");
        ArtRlResult resumed = trainer(sharp()).train(c, new TrainingRun(ck, true, null, null));
        assertThat(resumed.resumedFrom()).isEqualTo(20);
        // the same grid: in rare runs PyTorch's CPU kernels differ in the last bits (about 1e-8 relative here),
        // far below any effect of the settings the checkpoint carries (a wrong cost scale or prior moves it by %)
        double[] a = resumed.sigmas();
        double[] b = straight.sigmas();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("sigma %d", i).isCloseTo(b[i], within(1e-6 * b[i]));
        }
        assertThat(resumed.convergence().drift()).isCloseTo(straight.convergence().drift(), within(1e-6));
        assertThat(resumed.convergence().objective()).isCloseTo(straight.convergence().objective(),
                within(1e-6 * straight.convergence().objective()));
    }

    @Test
    void theFreeClockCheckpointCannotContinueAsAnExactRun() {
        Path ck = dir.resolve("free.ckpt");
        ArtRlConfig c = exact(4, 10);
        trainer(sharp()).train(c.withBudgetExact(false), new TrainingRun(ck, false, null, null));
        assertThatThrownBy(() -> trainer(sharp()).train(c, new TrainingRun(ck, true, null, null)))
                .hasMessageContaining("clock (checkpoint free, now budget-exact)");
    }

    @Test
    void diagnosticsMeasureDriftAndTheArtObjective() {
        assertThat(Convergence.drift(new double[] {10, 2, 1, 0}, new double[] {10, 2, Math.exp(0.1), 0}))
                .isCloseTo(0.1, within(1e-12));
        ArtProblem p = AnalyticModels.paper1d();
        ReferenceRollouts ref = ReferenceRollouts.run(p, 512, 1000, new Rng(3));
        double[] cf = ArtClosedForm.sigmas(ref, 10);
        double[] uniform = new double[11];
        for (int i = 0; i <= 10; i++) {
            uniform[i] = 3.0 * (1 - i / 10.0);
        }
        double scale = ref.rootScale() * ref.rootScale();
        // the closed form minimises the ART objective over fixed grids: Uniform costs more
        assertThat(Convergence.objective(p, uniform, 64, 9, scale))
                .isGreaterThan(1.05 * Convergence.objective(p, cf, 64, 9, scale));
        Convergence good = new Convergence(0.0, 0.01, 1.0, 1.0, cf);
        Convergence drifting = new Convergence(0.0, 0.2, 1.0, 1.0, cf);
        Convergence worse = new Convergence(0.0, 0.01, 1.2, 1.0, cf);
        assertThat(List.of(good.converged(), drifting.converged(), worse.converged())).containsExactly(true, false,
                false);
        assertThat(drifting.summary()).startsWith("ART-RL did not converge").contains("20.0%");
    }
}
