package dev.artsched.training.compare;

import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.ExactFlowModel;
import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.problem.GridSolver;
import dev.artsched.training.problem.InitialState;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.refine.Refine;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.ArtRlTrainer;
import dev.artsched.training.run.TrainingRun;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model-family benchmark: on zoo members (exact analytic mixtures, double precision) every grid method is
 * trained for Euler and Heun at each N and scored by ref-rmse on test noises used by no learner (seed 777000 +
 * member seed, a 512-step Heun reference). The test set starts at 16,384 noises and grows fourfold, the same
 * noises for every method, while any method's ref-rmse carries a relative standard error above 1% (heavy-tailed
 * members, where a few trajectories carry most of the error), up to 262,144 noises. The command is in
 * docs/BENCHMARKS.md: {@code FamilyBenchmark FIRST_SEED COUNT [ART_RL_ITERATIONS]} on the art-training test class
 * path; {@code FamilyBenchmark recheck SEED SOLVER N [SETS [ART_RL_ITERATIONS]]} scores one cell again on further
 * test sets.
 */
public final class FamilyBenchmark {
    /** The methods of a cell, in table order. */
    public static final List<String> METHODS = List.of("uniform", "edm", "art-closed-form", "heun-closed-form",
            "art-rl", "gits", "refine");
    /** The key of the result map holding the test-set size each N was scored on. */
    public static final String TEST_NOISES = "test-noises";
    /** The largest relative standard error of a method's ref-rmse the test set is grown to avoid. */
    public static final double MAX_RELATIVE_ERROR = 0.01;
    /** The largest test set. */
    public static final int MAX_TEST_NOISES = 1 << 18;

    private FamilyBenchmark() {
    }

    /** One member's ref-rmse per method and N, refine with its defaults, ART-RL with 300 iterations. */
    public static Map<String, double[]> member(long seed, Solver solver, int[] steps, int testNoises) {
        return member(seed, solver, steps, testNoises, Refine.Config.defaults(0), 300, MAX_TEST_NOISES);
    }

    /**
     * One member's ref-rmse per method and N (and, under {@link #TEST_NOISES}, the test-set size per N).
     *
     * @param artRlIterations ART-RL's iterations (robust preset otherwise); 0 leaves ART-RL out (NaN)
     * @param maxTestNoises   the test set grows from {@code testNoises} up to this size
     */
    public static Map<String, double[]> member(long seed, Solver solver, int[] steps, int testNoises,
                                               Refine.Config refine, int artRlIterations, int maxTestNoises) {
        Cell cell = new Cell(seed, solver);
        DoubleDenoiser model = cell.model;
        TestSets tests = new TestSets(model, 777_000 + seed, cell.member.dim(), cell.member.sigmaMax(),
                ModelZoo.SIGMA_MIN);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String method : METHODS) {
            out.put(method, new double[steps.length]);
        }
        out.put(TEST_NOISES, new double[steps.length]);
        for (int i = 0; i < steps.length; i++) {
            Map<String, double[]> grids = cell.grids(steps[i], refine, artRlIterations);
            for (String method : METHODS) {
                out.get(method)[i] = Double.NaN;
            }
            int size = testNoises;
            while (true) {
                TestSet test = tests.of(size);
                double worst = 0;
                for (Map.Entry<String, double[]> e : grids.entrySet()) {
                    double[] score = test.score(model, solver, e.getValue());
                    out.get(e.getKey())[i] = score[0];
                    worst = Math.max(worst, score[1]);
                }
                out.get(TEST_NOISES)[i] = size;
                if (worst <= MAX_RELATIVE_ERROR || 4L * size > maxTestNoises) {
                    break;
                }
                size *= 4;
            }
        }
        return out;
    }

    /** One member and solver: what every method learns from, built once and shared by every N. */
    private static final class Cell {
        private final ModelZoo.Member member;
        private final Solver solver;
        private final DoubleDenoiser model;
        private final HeunClosedForm.Density density;
        private final ReferenceRollouts rollouts;
        private final ArtProblem problem;

        Cell(long seed, Solver solver) {
            this.member = ModelZoo.member(seed);
            this.solver = solver;
            this.model = DoubleDenoiser.withJvp(member.model());
            double t = member.sigmaMax();
            double smin = ModelZoo.SIGMA_MIN;
            this.density = solver == Solver.HEUN ? HeunClosedForm.density(model, t, smin, 128, 64, 0) : null;
            this.rollouts = ReferenceRollouts.run(AnalyticModels.problem(member.name(),
                    AnalyticModels.exactFlow(member.name()), t, smin), 256, 1000, new Rng(0));
            this.problem = new ArtProblem(new ExactFlowModel(member.model()), t, smin, InitialState.normal(t),
                    QNorm.forDimension(member.dim()), Map.of("model", member.name()));
        }

        /** Every method's grid at N steps (ART-RL left out with 0 iterations), refine last. */
        Map<String, double[]> grids(int n, Refine.Config refine, int artRlIterations) {
            double t = member.sigmaMax();
            double smin = ModelZoo.SIGMA_MIN;
            Map<String, double[]> grids = new LinkedHashMap<>();
            double[] uni = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                uni[k] = t * (1 - (double) k / n);
            }
            grids.put("uniform", uni);
            grids.put("edm", GridSolver.edmGrid(t, smin, n, 7));
            grids.put("art-closed-form", ArtClosedForm.sigmas(rollouts, n));
            if (solver == Solver.HEUN) {
                grids.put("heun-closed-form", HeunClosedForm.sigmas(density, n));
            }
            if (artRlIterations > 0) {
                ArtRlConfig config = ArtRlConfig.robust(0).withTrainSteps(n).withIterations(artRlIterations);
                HeunClosedForm.Density prior = solver == Solver.HEUN
                        ? HeunClosedForm.density(model, t, smin, config.gammaRollouts(), 64, config.seed()) : null;
                grids.put("art-rl", new ArtRlTrainer(problem, FeatureMaps.forDimension(member.dim()),
                        NetworkFactory.PAPER, OptimiserFactory.paperAdam()).train(config, TrainingRun.quiet(), prior)
                        .sigmas());
            }
            grids.put("gits", Gits.search(model, solver, t, smin, n, Gits.Config.defaults(0), null).sigmas());
            List<Refine.Start> starts = new ArrayList<>();
            for (Map.Entry<String, double[]> e : grids.entrySet()) {
                starts.add(new Refine.Start(e.getKey(), e.getValue()));
            }
            grids.put("refine", Refine.run(model, solver, smin, starts, refine, null).sigmas());
            return grids;
        }
    }

    /** The test noises of one member at each size asked for, with their 512-step Heun reference solutions. */
    private static final class TestSets {
        private final DoubleDenoiser model;
        private final long seed;
        private final int dim;
        private final double sigmaMax;
        private final double sigmaMin;
        private final Map<Integer, TestSet> sets = new HashMap<>();

        TestSets(DoubleDenoiser model, long seed, int dim, double sigmaMax, double sigmaMin) {
            this.model = model;
            this.seed = seed;
            this.dim = dim;
            this.sigmaMax = sigmaMax;
            this.sigmaMin = sigmaMin;
        }

        TestSet of(int size) {
            return sets.computeIfAbsent(size, s -> {
                double[] z = GridSolver.noise(seed, s, dim);
                return new TestSet(z, GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(sigmaMax, sigmaMin, 512,
                        7), z, s), dim, s);
            });
        }
    }

    /** Test noises, their reference solutions, and the per-noise scoring of a grid. */
    private record TestSet(double[] z, double[] ref, int dim, int size) {
        /** {ref-rmse, relative standard error of the ref-rmse} of a grid on these noises. */
        double[] score(DoubleDenoiser model, Solver solver, double[] sigmas) {
            double[] x = GridSolver.solve(model, solver, sigmas, z, size);
            double sum = 0;
            double sumSq = 0;
            for (int b = 0; b < size; b++) {
                double e = 0;
                for (int j = b * dim; j < (b + 1) * dim; j++) {
                    double d = x[j] - ref[j];
                    e += d * d;
                }
                sum += e;
                sumSq += e * e;
            }
            double mean = sum / size;
            double sd = Math.sqrt(Math.max(0, sumSq / size - mean * mean));
            // rmse = sqrt(mse): its relative standard error is half the mse's.
            double relative = mean > 0 ? 0.5 * sd / Math.sqrt(size) / mean : 0;
            return new double[] {Math.sqrt(mean / dim), relative};
        }
    }

    /** Prints one line per cell, then the summary: worst refine ratio, median Heun N = 10 ratio, GITS wins. */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("recheck")) {
            recheck(Long.parseLong(args[1]), Solver.parse(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 4, args.length > 5 ? Integer.parseInt(args[5]) : 300);
            return;
        }
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int artRlIterations = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        int[] steps = {5, 10, 18};
        List<Double> ratiosBest = new ArrayList<>();
        List<Double> heun10 = new ArrayList<>();
        List<Double> heun10Solver = new ArrayList<>();
        int gitsWins = 0;
        int artRlWins = 0;
        int cells = 0;
        System.out.println("member | solver | N | " + String.join(" | ", METHODS) + " | refine/best-other | test noises");
        for (long s = first; s < first + count; s++) {
            for (Solver solver : Solver.values()) {
                long t0 = System.nanoTime();
                Map<String, double[]> r = member(s, solver, steps, 16384, Refine.Config.defaults(0), artRlIterations,
                        MAX_TEST_NOISES);
                for (int i = 0; i < steps.length; i++) {
                    double best = Double.POSITIVE_INFINITY;
                    StringBuilder b = new StringBuilder(ModelZoo.member(s).describe() + " | " + solver.id() + " | "
                            + steps[i]);
                    for (String m : METHODS) {
                        double v = r.get(m)[i];
                        b.append(Double.isNaN(v) ? " | -" : String.format(Locale.ROOT, " | %.4g", v));
                        if (!m.equals("refine") && !Double.isNaN(v)) {
                            best = Math.min(best, v);
                        }
                    }
                    double ratio = r.get("refine")[i] / best;
                    ratiosBest.add(ratio);
                    if (solver == Solver.HEUN && steps[i] == 10) {
                        heun10.add(r.get("refine")[i] / r.get("art-closed-form")[i]);
                        heun10Solver.add(r.get("refine")[i] / r.get("heun-closed-form")[i]);
                    }
                    gitsWins += r.get("gits")[i] < r.get("edm")[i] ? 1 : 0;
                    artRlWins += r.get("art-rl")[i] < r.get("edm")[i] ? 1 : 0;
                    cells++;
                    System.out.println(b.append(String.format(Locale.ROOT, " | %.3f | %d", ratio,
                            (long) r.get(TEST_NOISES)[i])));
                }
                System.out.flush();
                System.err.printf(Locale.ROOT, "zoo-%d %s: %.1f s%n", s, solver.id(), (System.nanoTime() - t0) / 1e9);
            }
        }
        double worst = ratiosBest.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        long within = ratiosBest.stream().filter(x -> x <= 1.02).count();
        double[] h = heun10.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] hs = heun10Solver.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "cells %d: refine / best other <= 1.02 in %d, worst %.4f; median Heun N=10 refine "
                        + "/ ART closed form %.3f %s; refine / Heun closed form %.3f; GITS below EDM in %d of %d cells "
                        + "(%.0f%%); ART-RL below EDM in %d%n", cells, within, worst, median(h),
                Arrays.toString(Arrays.stream(h).map(x -> Math.round(x * 1000) / 1000.0).toArray()), median(hs),
                gitsWins, cells, 100.0 * gitsWins / cells, artRlWins);
    }

    /**
     * One cell again on {@code sets} further test sets of 262,144 noises each (seeds 900,000 + set, used by no
     * learner): every method's ref-rmse per set and pooled over all sets, and refine / best other, for a cell whose
     * ranking is in doubt on one set.
     */
    static void recheck(long seed, Solver solver, int n, int sets, int artRlIterations) {
        Cell cell = new Cell(seed, solver);
        Map<String, double[]> grids = cell.grids(n, Refine.Config.defaults(0), artRlIterations);
        System.out.println("set | " + String.join(" | ", grids.keySet()) + " | refine/best-other");
        Map<String, Double> pooled = new LinkedHashMap<>();
        for (int set = 0; set < sets; set++) {
            TestSet test = new TestSets(cell.model, 900_000 + set, cell.member.dim(), cell.member.sigmaMax(),
                    ModelZoo.SIGMA_MIN).of(MAX_TEST_NOISES);
            Map<String, Double> rmse = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : grids.entrySet()) {
                double v = test.score(cell.model, solver, e.getValue())[0];
                rmse.put(e.getKey(), v);
                pooled.merge(e.getKey(), v * v / sets, Double::sum);
            }
            printRecheckRow(String.valueOf(set), rmse);
        }
        pooled.replaceAll((k, mse) -> Math.sqrt(mse));
        printRecheckRow("pooled", pooled);
    }

    /** One row of {@link #recheck}: every method's ref-rmse, then refine / best other. */
    private static void printRecheckRow(String label, Map<String, Double> rmse) {
        double best = rmse.entrySet().stream().filter(e -> !e.getKey().equals("refine"))
                .mapToDouble(Map.Entry::getValue).min().orElse(Double.NaN);
        StringBuilder b = new StringBuilder(label);
        rmse.values().forEach(v -> b.append(String.format(Locale.ROOT, " | %.5g", v)));
        System.out.println(b.append(String.format(Locale.ROOT, " | %.3f", rmse.get("refine") / best)));
    }

    private static double median(double[] h) {
        return h.length == 0 ? Double.NaN : h.length % 2 == 1 ? h[h.length / 2]
                : 0.5 * (h[h.length / 2 - 1] + h[h.length / 2]);
    }
}
