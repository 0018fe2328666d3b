package dev.artsched.training.rl;

import dev.artsched.eval.RefRmse;
import dev.artsched.eval.ReferenceSolutions;
import dev.artsched.sampling.StepListener;
import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ExactFlowModel;
import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.problem.InitialState;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.TrainingRun;

import java.util.Locale;
import java.util.Map;

/**
 * ART-RL on members of the generated model family: for each member and N, one robust-preset run with the free
 * clock and one with the budget-exact clock (the same run serves Euler and Heun, ART-RL's cost does not depend on
 * the solver), scored by ref-rmse against EDM and the ART closed form on 256 noises no learner saw (seed 777), a
 * 256-step Heun reference. One line per member, solver and N. Run:
 * {@code java -cp art-training/target/test-classes:art-training/target/classes:$(cat cp.txt)
 * dev.artsched.training.rl.ArtRlFamilyBenchmark FIRST_SEED COUNT ITERATIONS LAMBDA_EXACT}.
 */
public final class ArtRlFamilyBenchmark {
    private ArtRlFamilyBenchmark() {
    }

    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        double lambdaExact = Double.parseDouble(args[3]);
        for (long seed = first; seed < first + count; seed++) {
            ModelZoo.Member m = ModelZoo.member(seed);
            double t = m.sigmaMax();
            ExactFlowModel flow = new ExactFlowModel(m.model());
            ArtProblem p = new ArtProblem(flow, t, ModelZoo.SIGMA_MIN, InitialState.normal(t),
                    QNorm.forDimension(flow.dim()), Map.of("model", m.name()));
            ReferenceSolutions refs = new ReferenceSolutions(m.model(), new ReferenceSolutions.Options(256, 777,
                    256, 256, 7.0, ModelZoo.SIGMA_MIN));
            for (int n : new int[] {5, 10, 18}) {
                double[] cf = ArtClosedForm.sigmas(ReferenceRollouts.run(p, 1024, 1000, new Rng(seed)), n);
                ArtRlConfig base = ArtRlConfig.robust(0).withTrainSteps(n).withIterations(iterations);
                long t0 = System.nanoTime();
                ArtRlResult free;
                try {
                    free = trainer(p).train(base, TrainingRun.quiet());
                } catch (dev.artsched.scheduler.ArtException e) {
                    free = null;
                    System.out.printf(Locale.ROOT, "%s | free clock N=%d failed: %s%n", m.describe(), n,
                            e.getMessage());
                }
                double freeSecs = (System.nanoTime() - t0) * 1e-9;
                t0 = System.nanoTime();
                ArtRlResult exact = trainer(p).train(base.withBudgetExact(true).withLambda(lambdaExact),
                        TrainingRun.quiet());
                double exactSecs = (System.nanoTime() - t0) * 1e-9;
                for (Solver sv : Solver.values()) {
                    RefRmse metric = new RefRmse(refs, sv);
                    double eCf = metric.evaluate(new Schedule("cf", cf, "cf"), StepListener.NONE);
                    double eEdm = metric.evaluate(TimestepSchedulers.schedule(String.format(Locale.ROOT,
                            "edm:sigma_max=%s,sigma_min=%s", t, ModelZoo.SIGMA_MIN), n), StepListener.NONE);
                    double eFree = free == null ? Double.NaN
                            : metric.evaluate(new Schedule("free", free.sigmas(), "free"), StepListener.NONE);
                    double eExact = metric.evaluate(new Schedule("exact", exact.sigmas(), "exact"),
                            StepListener.NONE);
                    System.out.printf(Locale.ROOT, "%s | %s | %d | %.4g | %.4g | %.3f / %.3f | %.3f / %.3f | %s / %s"
                                    + " | %.0f / %.0f s%n", m.describe(), sv.id(), n, eEdm, eCf, eFree / eCf,
                            eFree / eEdm, eExact / eCf, eExact / eEdm, free == null ? "failed" : free.convergence().converged(),
                            exact.convergence().converged(), freeSecs, exactSecs);
                }
            }
        }
    }

    private static ArtRlTrainer trainer(ArtProblem p) {
        return new ArtRlTrainer(p, FeatureMaps.forDimension(p.dim()), NetworkFactory.PAPER,
                OptimiserFactory.paperAdam());
    }
}
