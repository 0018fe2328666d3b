package dev.artsched.training.rl;

import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.problem.FlowModel;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.run.Checkpoint;
import dev.artsched.training.run.IterationStats;
import dev.artsched.training.run.TrainingListener;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.run.TrainingRun;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Resampling;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.eval.Gaussian1dW2;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.Optimiser;
import dev.artsched.training.nn.OptimiserFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArtRlTrainerTest {
    @TempDir
    Path dir;

    private static ArtRlTrainer trainer(ArtProblem problem) {
        return new ArtRlTrainer(problem, FeatureMaps.forDimension(problem.dim()), NetworkFactory.PAPER,
                OptimiserFactory.paperAdam());
    }

    /** A small run: K = 20, B = 4, 30 iterations, the last 40 trajectories distilled. */
    private static ArtRlConfig small(long seed) {
        return ArtRlConfig.paper(seed).withTrainSteps(20).withBatch(4).withIterations(30).withDistill(40)
                .withCheckpointEvery(10);
    }

    @Test
    void shortPaperRunBeatsEdmAndUniformDirectionAtTenSteps() {
        ArtRlConfig c = ArtRlConfig.paper(11).withIterations(150).withBatch(8).withDistill(400);
        ArtRlResult r = trainer(AnalyticModels.paper1d()).train(c, TrainingRun.quiet());
        Schedule.validate(r.sigmas());
        assertThat(r.sigmas()).hasSize(101);
        assertThat(r.iterations()).isEqualTo(150);
        assertThat(r.kept() + r.dropped()).isEqualTo(400);
        double[] k10 = Resampling.timeMap(r.sigmas(), 10);
        double edm = Gaussian1dW2.exact(TimestepSchedulers.schedule("edm:rho=7,sigma_max=3,sigma_min=0", 10)
                .sigmas());
        assertThat(Gaussian1dW2.exact(k10)).isLessThan(edm);
        // the learned map already spends more of the budget at low noise than the uniform clock
        assertThat(Resampling.timeMap(r.sigmas(), 2)[1]).isLessThan(1.5);
        assertThat(r.gamma0()).isBetween(-0.85, -0.65);
        assertThat(r.training()).containsEntry("model", "analytic:gauss1d").containsEntry("jvp", "exact")
                .containsEntry("q_norm", "euclidean").containsKeys("final_gamma", "denoiser_calls", "wall_seconds");
        assertThat(r.calls()).isGreaterThan(150L * 100);
    }

    @Test
    void softplusActorHeadStartsAtThetaOneAndGivesAValidGrid() {
        ArtRlConfig c = small(8).withMeanHead(MeanHead.SOFTPLUS).withIterations(1).withDistill(4);
        ArtRlResult first = trainer(AnalyticModels.paper1d()).train(c, TrainingRun.quiet());
        // one iteration: every recorded mean is softplus(log(e - 1) + O(0.01)) ~ 1, so the grid is near uniform
        double[] uniform = new double[21];
        for (int k = 0; k <= 20; k++) {
            uniform[k] = 3.0 * (1 - k / 20.0);
        }
        assertThat(first.sigmas()).containsExactly(uniform, org.assertj.core.api.Assertions.within(0.05));
        ArtRlResult r = trainer(AnalyticModels.paper1d()).train(small(8).withMeanHead(MeanHead.SOFTPLUS), TrainingRun.quiet());
        Schedule.validate(r.sigmas());
        assertThat(r.training().get("hyperparameters").toString()).contains("actor_mean=softplus");
        assertThat(r.sigmas()).isNotEqualTo(trainer(AnalyticModels.paper1d()).train(small(8), TrainingRun.quiet())
                .sigmas());
    }

    @Test
    void relativeLambdaScalesWithTheSquaredRootMeanOfQ() {
        ArtProblem p = AnalyticModels.paper1d();
        ArtRlConfig c = small(2).withRelativeLambda(true).withLambda(0.5).withGammaReference(4096, 1000);
        ReferenceRollouts ref = ArtRlTrainer.reference(p, c);
        // 1-D closed form: mean |Q| = sqrt(2/pi) (1 + s^2)^(-3/2), so c = (1/3) int_0^3 (2/pi)^(1/4) (1+s^2)^(-3/4) ds
        double exact = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double s = 3.0 * (i + 0.5) / n;
            exact += Math.pow(2 / Math.PI, 0.25) * Math.pow(1 + s * s, -0.75) * 3.0 / n;
        }
        exact /= 3.0;
        assertThat(ref.rootScale()).isCloseTo(exact, org.assertj.core.api.Assertions.within(0.02 * exact));
        assertThat(ArtRlTrainer.effectiveLambda(c, ref)).isCloseTo(0.5 * ref.rootScale() * ref.rootScale(),
                org.assertj.core.api.Assertions.within(1e-15));
        assertThat(ArtRlTrainer.effectiveLambda(c.withRelativeLambda(false), ref)).isEqualTo(0.5);
        // |Q| scaled by 4 (as a different norm would do) scales the effective lambda by 4: the exploration level
        // relative to the optimal clock speed does not depend on the scale of |Q|
        double[] q4 = ref.meanQ();
        for (int i = 0; i < q4.length; i++) {
            q4[i] *= 4;
        }
        ReferenceRollouts scaled = new ReferenceRollouts(ref.sigmaMax(), ref.psi(), q4, 4 * ref.gamma0(),
                ref.trajectories(), ref.calls());
        assertThat(ArtRlTrainer.effectiveLambda(c, scaled) / ArtRlTrainer.effectiveLambda(c, ref))
                .isCloseTo(4.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void timeOnlyActorWithRelativeLambdaTrainsAndRecordsItsSettings() {
        ArtRlConfig c = small(4).withTimeOnlyActor(true).withRelativeLambda(true).withMeanHead(MeanHead.SOFTPLUS)
                .withLambda(0.5);
        ArtRlResult r = trainer(AnalyticModels.paper1d()).train(c, TrainingRun.quiet());
        Schedule.validate(r.sigmas());
        assertThat(r.training()).containsEntry("actor_features", "time3").containsKey("lambda_effective");
        assertThat((double) r.training().get("lambda_effective")).isBetween(0.5 * 0.16, 0.5 * 0.21);
        assertThat(r.training().get("hyperparameters").toString()).contains("actor_inputs=time")
                .contains("lambda_mode=relative");
        // the time-only actor is a different network from the paper's (t, x, psi) actor
        assertThat(r.sigmas()).isNotEqualTo(trainer(AnalyticModels.paper1d())
                .train(small(4).withRelativeLambda(true).withMeanHead(MeanHead.SOFTPLUS).withLambda(0.5), TrainingRun.quiet())
                .sigmas());
    }

    @Test
    void resumeWithRelativeLambdaReusesTheRecordedLevel() {
        ArtRlConfig c = small(9).withTimeOnlyActor(true).withRelativeLambda(true);
        double[] straight = trainer(AnalyticModels.paper1d()).train(c, TrainingRun.quiet()).sigmas();
        Path ck = dir.resolve("rel.ckpt");
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d()).train(c, new TrainingRun(ck, true, null, killedAt(12)))).hasMessageContaining("simulated kill");
        double recorded = Checkpoint.read(ck).lambda();
        assertThat(recorded).isGreaterThan(0).isLessThan(0.1);
        ArtRlResult resumed = trainer(AnalyticModels.paper1d()).train(c, new TrainingRun(ck, true, null, null));
        assertThat(resumed.sigmas()).containsExactly(straight);
        assertThat(resumed.training()).containsEntry("lambda_effective", recorded);
        // a checkpoint from before relative lambdas (no recorded level) cannot resume a relative run
        Checkpoint old = Checkpoint.read(ck);
        new Checkpoint(old.fingerprint(), 10, old.gamma(), old.gamma0(), old.rngState(), old.calls(),
                old.elapsedSeconds(), old.actor(), old.critic(), old.actorOpt(), old.criticOpt(), old.distill(),
                Double.NaN, new double[0][]).write(ck);
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d()).train(c, new TrainingRun(ck, true, null, null))).isInstanceOf(ArtException.class).hasMessageContaining("predates relative lambdas");
    }

    @Test
    void closedFormPriorStartsTrainingAtTheClosedFormGrid() {
        ArtProblem p = AnalyticModels.paper1d();
        ArtRlConfig c = small(6).withClosedFormPrior(true).withTimeOnlyActor(true).withMeanHead(
                MeanHead.EXP).withRelativeLambda(true).withLambda(0.5).withIterations(1).withDistill(4)
                .withTrainSteps(50);
        ArtRlResult first = trainer(p).train(c, TrainingRun.quiet());
        double[] cf = ArtClosedForm.sigmas(ArtRlTrainer.reference(p, c), 50);
        // one iteration: the means are theta_cf(psi) * exp(O(0.01)) along four noisy rollouts, so the distilled
        // grid is the closed form's up to the left-point clock discretisation
        for (int k = 0; k <= 50; k++) {
            assertThat(first.sigmas()[k]).as("sigma_%d", k).isCloseTo(cf[k], within(0.06));
        }
        assertThat(first.training().get("hyperparameters").toString()).contains("actor_prior=closed-form");
        // without the prior the same one iteration is the Uniform grid, far from it at the middle
        double[] plain = trainer(p).train(c.withClosedFormPrior(false), TrainingRun.quiet()).sigmas();
        assertThat(Math.abs(plain[25] - cf[25])).isGreaterThan(0.2);
    }

    @Test
    void trapezoidCostSpendsOneExtraCallPerIterationAndChangesTheGrid() {
        ArtRlConfig left = small(12).withTimeOnlyActor(true).withRelativeLambda(true).withLambda(0.5)
                .withMeanHead(MeanHead.EXP).withClosedFormPrior(true).withMonteCarlo(true)
                .withRealizedProgress(true).withGammaStep(0);
        ArtRlResult a = trainer(AnalyticModels.paper1d()).train(left, TrainingRun.quiet());
        ArtRlResult b = trainer(AnalyticModels.paper1d()).train(left.withTrapezoidCost(true), TrainingRun.quiet());
        Schedule.validate(b.sigmas());
        // same rollouts plus one batched evaluation of the final states per iteration (the exact 1-D flow counts
        // two calls per evaluation: D and its JVP)
        assertThat(b.calls() - a.calls()).isEqualTo(2L * left.iterations());
        assertThat(b.sigmas()).isNotEqualTo(a.sigmas());
        assertThat(b.training().get("hyperparameters").toString()).contains("step_cost=trapezoid");
    }

    @Test
    void annealedLambdaShrinksTheExplorationFromItsStartAndResumesAcrossIt() {
        // 30 iterations, the annealing starts at ceil(0.5 * 30) = 15; the last 40 trajectories at B = 4 (10
        // iterations) are all annealed
        ArtRlConfig plain = small(8).withTimeOnlyActor(true).withRelativeLambda(true).withLambda(0.5)
                .withMeanHead(MeanHead.EXP).withClosedFormPrior(true).withMonteCarlo(true)
                .withRealizedProgress(true).withGammaStep(0);
        ArtRlConfig annealed = plain.withAnneal(0.01, 0.5);
        assertThat(annealed.annealStart()).isEqualTo(15);
        assertThat(annealed.distillStart()).isEqualTo(20);
        List<IterationStats> a = new java.util.ArrayList<>();
        List<IterationStats> p = new java.util.ArrayList<>();
        Path other = dir.resolve("plain.ckpt");
        ArtRlResult ra = trainer(AnalyticModels.paper1d()).train(annealed,
                new TrainingRun(null, false, null, recording(a)));
        trainer(AnalyticModels.paper1d()).train(plain, new TrainingRun(other, false, null, recording(p)));
        // identical up to the start (same draws), different after it
        for (int i = 0; i < 15; i++) {
            assertThat(a.get(i)).as("iteration %d", i + 1).usingRecursiveComparison().ignoringFields("elapsedSeconds")
                    .isEqualTo(p.get(i));
        }
        assertThat(a.get(15).budgetError()).isNotEqualTo(p.get(15).budgetError());
        // the executed budget minus the means' budget is the summed exploration noise: its size falls by about
        // sqrt(0.01) = 0.1 once the annealing starts
        double before = 0;
        double after = 0;
        for (int i = 0; i < 15; i++) {
            before += Math.abs(a.get(i).budgetError() + 3.0 - a.get(i).meanBudget());
            after += Math.abs(a.get(15 + i).budgetError() + 3.0 - a.get(15 + i).meanBudget());
        }
        assertThat(after).isLessThan(0.3 * before);
        assertThat(ra.training().get("hyperparameters").toString()).contains("lambda_anneal_factor=0.01")
                .contains("lambda_anneal_from=0.5");
        // killed after the start, resumed from the checkpoint before it: the same grid as without the kill
        Path ck = dir.resolve("anneal.ckpt");
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d()).train(annealed, new TrainingRun(ck, true, null, killedAt(17)))).hasMessageContaining("simulated kill");
        assertThat(Checkpoint.read(ck).iteration()).isEqualTo(10);
        assertThat(trainer(AnalyticModels.paper1d()).train(annealed, new TrainingRun(ck, true, null, null))
                .sigmas()).containsExactly(ra.sigmas());
        // the checkpoint of the run without annealing cannot continue as an annealed run
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d()).train(annealed, new TrainingRun(other, true, null, null))).isInstanceOf(ArtException.class).hasMessageContaining("anneal (not recorded in the checkpoint, now 0.01@15/30)");
    }

    /** A listener that appends every iteration's statistics to {@code into}. */
    private static TrainingListener recording(List<IterationStats> into) {
        return new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                into.add(s);
            }
        };
    }

    /** A listener that simulates a kill right after iteration {@code n}. */
    private static TrainingListener killedAt(int n) {
        return new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                if (s.iteration() == n) {
                    throw new IllegalStateException("simulated kill");
                }
            }
        };
    }

    @Test
    void sameSeedSameGridOtherSeedOtherGrid() {
        ArtProblem p = AnalyticModels.paper1d();
        double[] a = trainer(p).train(small(5), TrainingRun.quiet()).sigmas();
        double[] b = trainer(AnalyticModels.paper1d()).train(small(5), TrainingRun.quiet()).sigmas();
        double[] c = trainer(AnalyticModels.paper1d()).train(small(6), TrainingRun.quiet()).sigmas();
        assertThat(b).containsExactly(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void resumedRunEqualsUninterruptedRun() {
        double[] straight = trainer(AnalyticModels.paper1d()).train(small(3), TrainingRun.quiet()).sigmas();
        Path ck = dir.resolve("run.ckpt");
        Path metrics = dir.resolve("metrics.jsonl");
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d())
                .train(small(3), new TrainingRun(ck, true, metrics, killedAt(17))))
                .hasMessageContaining("simulated kill");
        assertThat(Checkpoint.read(ck).iteration()).isEqualTo(10);
        ArtRlResult resumed = trainer(AnalyticModels.paper1d())
                .train(small(3), new TrainingRun(ck, true, metrics, null));
        assertThat(resumed.resumedFrom()).isEqualTo(10);
        assertThat(resumed.iterations()).isEqualTo(30);
        assertThat(resumed.sigmas()).containsExactly(straight);
        assertThat(Checkpoint.read(ck).iteration()).isEqualTo(30);
        List<String> lines = lines(metrics);
        assertThat(lines).hasSize(30).allMatch(l -> l.startsWith("{\"iteration\":"));
        for (int i = 0; i < 30; i++) {
            assertThat(lines.get(i)).startsWith("{\"iteration\":" + (i + 1) + ",");
        }
    }

    @Test
    void corruptedOrMismatchedCheckpointGivesOneClearError() throws Exception {
        Path ck = dir.resolve("bad.ckpt");
        Files.writeString(ck, "not a checkpoint");
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d())
                .train(small(1), new TrainingRun(ck, true, null, null)))
                .isInstanceOf(ArtException.class).hasMessageContaining("is unreadable");

        Path good = dir.resolve("good.ckpt");
        trainer(AnalyticModels.paper1d()).train(small(1), new TrainingRun(good, false, null, null));
        assertThatThrownBy(() -> trainer(AnalyticModels.paper1d())
                .train(small(1).withBatch(5), new TrainingRun(good, true, null, null)))
                .isInstanceOf(ArtException.class).hasMessageContaining("does not match")
                .hasMessageContaining("B (checkpoint 4, now 5)");
    }

    @Test
    void nonFiniteModelOutputStopsTrainingWithAClearMessage() {
        ArtProblem base = AnalyticModels.paper1d();
        FlowModel poisoned = new FlowModel() {
            private int n;

            @Override
            public int dim() {
                return 1;
            }

            @Override
            public void evaluate(double[] x, double[] sigma, int batch, double[] f, double[] q) {
                base.model().evaluate(x, sigma, batch, f, q);
                if (++n == 300) {
                    f[0] = Double.NaN;
                }
            }

            @Override
            public long calls() {
                return n;
            }

            @Override
            public String jvpStrategy() {
                return "test";
            }
        };
        ArtProblem p = new ArtProblem(poisoned, 3.0, 0.002, base.initial(), QNorm.EUCLIDEAN, Map.of());
        assertThatThrownBy(() -> trainer(p).train(small(2), TrainingRun.quiet()))
                .isInstanceOf(ArtException.class).hasMessageContaining("non-finite");
    }

    @Test
    void nonFiniteNetworkStopsTrainingWithAClearMessage() {
        OptimiserFactory poison = label -> new Optimiser() {
            @Override
            public void step(List<ai.djl.ndarray.NDArray> parameters) {
                double[] w = parameters.get(0).toDoubleArray();
                w[0] = Double.NaN;
                parameters.get(0).set(java.nio.DoubleBuffer.wrap(w));
            }

            @Override
            public Map<String, Object> describe() {
                return Map.of("name", "poison");
            }

            @Override
            public double[][] exportState() {
                return new double[0][];
            }

            @Override
            public void importState(double[][] state) {
            }
        };
        ArtProblem p = AnalyticModels.paper1d();
        ArtRlTrainer t = new ArtRlTrainer(p, FeatureMaps.forDimension(1), NetworkFactory.PAPER, poison);
        assertThatThrownBy(() -> t.train(small(2), TrainingRun.quiet()))
                .isInstanceOf(ArtException.class).hasMessageContaining("actor network produced a non-finite");
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
