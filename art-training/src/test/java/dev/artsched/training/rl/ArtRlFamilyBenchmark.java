package dev.artsched.training.rl;

import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.ExactFlowModel;
import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.problem.GridSolver;
import dev.artsched.training.problem.InitialState;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.TrainingRun;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ART-RL (robust preset: the budget-exact clock) on members of the generated model family, Euler and Heun, one
 * training per member, solver and N (a Heun run prices its steps with the Heun local error). Each grid is scored
 * by ref-rmse in double precision on test noises no learner sees (seed 777000 + member seed) against a 512-step
 * Heun reference, next to Uniform, EDM and the solver's closed form (ART's Euler rule, or the Heun rule) from as
 * many reference rollouts as ART-RL's prior. One line per cell, then a summary. Run:
 * {@code java -cp art-training/target/test-classes:art-training/target/classes:$(cat cp.txt)
 * dev.artsched.training.rl.ArtRlFamilyBenchmark FIRST_SEED COUNT ITERATIONS LAMBDA [TEST_NOISES [ROLLOUTS]]}.
 */
public final class ArtRlFamilyBenchmark {
    private ArtRlFamilyBenchmark() {
    }

    /**
     * One cell.
     *
     * @param member      the member's description
     * @param solver      the solver
     * @param n           steps
     * @param uniform     ref-rmse of the paper's Uniform (ending at 0)
     * @param edm         ref-rmse of EDM (rho 7, sigma_min 0.002)
     * @param closedForm  ref-rmse of the solver's closed form
     * @param prior       ref-rmse of ART-RL's prior grid (the closed form from ART-RL's own reference rollouts)
     * @param artRl       ref-rmse of ART-RL's grid
     * @param sigmas      ART-RL's grid
     * @param result      the ART-RL run
     * @param seconds     wall time of the training
     */
    public record Cell(String member, Solver solver, int n, double uniform, double edm, double closedForm,
                       double prior, double artRl, double[] sigmas, ArtRlResult result, double seconds) {
        /** ART-RL / closed form. */
        public double ratio() {
            return artRl / closedForm;
        }

        /** The weight of the learned grid the prior gate kept. */
        public double learnedWeight() {
            Object g = result.training().get("prior_gate");
            return g instanceof Map<?, ?> m ? ((Number) m.get("learned_weight")).doubleValue() : Double.NaN;
        }

        String line() {
            return String.format(Locale.ROOT, "%s | %s | %d | %.4g | %.4g | %.4g | %.4g | %.4g | %.3f | %.3f | %.2f | %.1f%% "
                            + "| %.0f s", member, solver.id(), n, uniform, edm, closedForm, prior, artRl, ratio(),
                    artRl / edm, learnedWeight(), 100 * result.convergence().budgetError(), seconds);
        }
    }

    /** The cells of one member at the given N for both solvers. */
    public static List<Cell> member(long seed, int[] steps, int iterations, double lambda, int testNoises,
                                    int rollouts) {
        ModelZoo.Member m = ModelZoo.member(seed);
        double t = m.sigmaMax();
        double smin = ModelZoo.SIGMA_MIN;
        int d = m.dim();
        DoubleDenoiser model = DoubleDenoiser.withJvp(m.model());
        ExactFlowModel flow = new ExactFlowModel(m.model());
        ArtProblem p = new ArtProblem(flow, t, smin, InitialState.normal(t), QNorm.forDimension(d),
                Map.of("model", m.name()));
        double[] z = GridSolver.noise(777_000 + seed, testNoises, d);
        double[] ref = GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(t, smin, 512, 7), z, testNoises);
        ReferenceRollouts euler = ReferenceRollouts.run(p, rollouts, 1000, new Rng(0));
        HeunClosedForm.Density heunCf = HeunClosedForm.density(model, t, smin, rollouts, 64, 0);
        List<Cell> out = new ArrayList<>();
        for (int n : steps) {
            ArtRlConfig config = ArtRlConfig.robust(0).withTrainSteps(n).withIterations(iterations)
                    .withLambda(lambda).withGammaReference(rollouts, 1000);
            double[] uni = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                uni[k] = t * (1 - (double) k / n);
            }
            double[] edm = GridSolver.edmGrid(t, smin, n, 7);
            for (Solver solver : Solver.values()) {
                double[] cf = solver == Solver.HEUN ? HeunClosedForm.sigmas(heunCf, n) : ArtClosedForm.sigmas(euler, n);
                long t0 = System.nanoTime();
                HeunClosedForm.Density density = solver == Solver.HEUN
                        ? HeunClosedForm.density(model, t, smin, config.gammaRollouts(), 64, config.seed()) : null;
                ArtRlResult r = trainer(p).train(config, TrainingRun.quiet(), density);
                double secs = (System.nanoTime() - t0) * 1e-9;
                double[] score = new double[5];
                double[][] grids = {uni, edm, cf, r.convergence().closedFormGrid(), r.sigmas()};
                for (int g = 0; g < grids.length; g++) {
                    score[g] = Math.sqrt(GridSolver.loss(GridSolver.solve(model, solver, grids[g], z, testNoises),
                            ref, d));
                }
                out.add(new Cell(m.describe(), solver, n, score[0], score[1], score[2], score[3], score[4], r.sigmas(), r,
                        secs));
            }
        }
        return out;
    }

    /** Prints one line per cell, then the summary against the targets. */
    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        double lambda = Double.parseDouble(args[3]);
        int noises = args.length > 4 ? Integer.parseInt(args[4]) : 2048;
        int rollouts = args.length > 5 ? Integer.parseInt(args[5]) : 1024;
        int[] steps = {5, 10, 18};
        List<Cell> all = new ArrayList<>();
        System.out.println("member | solver | N | Uniform | EDM | closed form | ART-RL prior | ART-RL | ART-RL / closed form "
                + "| ART-RL / EDM | learned weight | budget error | training");
        long t0 = System.nanoTime();
        for (long s = first; s < first + count; s++) {
            long m0 = System.nanoTime();
            for (Cell c : member(s, steps, iterations, lambda, noises, rollouts)) {
                System.out.println(c.line());
                all.add(c);
            }
            System.out.printf(Locale.ROOT, "# zoo-%d: %.0f s (total %.0f s)%n", s, (System.nanoTime() - m0) * 1e-9,
                    (System.nanoTime() - t0) * 1e-9);
            System.out.flush();
        }
        double[] ratios = all.stream().mapToDouble(Cell::ratio).sorted().toArray();
        long within5 = Arrays.stream(ratios).filter(r -> r <= 1.05).count();
        long within20 = Arrays.stream(ratios).filter(r -> r <= 1.2).count();
        long cfBelow = all.stream().filter(c -> c.closedForm() < c.edm()).count();
        long rlBelow = all.stream().filter(c -> c.closedForm() < c.edm() && c.artRl() < c.edm()).count();
        long learned = all.stream().filter(c -> c.learnedWeight() > 0).count();
        System.out.printf(Locale.ROOT, "# %d cells: ART-RL / closed form <= 1.05 in %d (%.0f%%), <= 1.2 in %d; median "
                        + "%.3f, worst %.3f, best %.3f; below EDM in %d of the %d cells where the closed form is; the "
                        + "learned grid kept (weight > 0) in %d; %.0f s%n", ratios.length, within5,
                100.0 * within5 / ratios.length, within20, ratios[ratios.length / 2], ratios[ratios.length - 1],
                ratios[0], rlBelow, cfBelow, learned, (System.nanoTime() - t0) * 1e-9);
    }

    private static ArtRlTrainer trainer(ArtProblem p) {
        return new ArtRlTrainer(p, FeatureMaps.forDimension(p.dim()), NetworkFactory.PAPER,
                OptimiserFactory.paperAdam());
    }
}
