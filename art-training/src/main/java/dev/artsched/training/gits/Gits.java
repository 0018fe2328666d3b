package dev.artsched.training.gits;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * GITS-style grid search (Chen et al., ICML 2024): warm-up noises are rolled along a fine teacher grid (EDM
 * rho = 7, M steps ending at 0) by Heun with sub-steps; the cost of jumping from teacher point i to j > i is the
 * mean L2 distance between one step of the target solver (Euler or Heun) from the teacher state x_i and the
 * teacher state x_j; GITS' dynamic programming picks the N jumps from 0 to M minimising
 * W_k[i] = min_{j>i} c[i][j] + coeff W_{k-1}[j] (the remaining cost after a jump weighs coeff, so late error, which
 * nothing corrects, costs more). D(x_i; t_i) is computed once per source point (Euler needs M calls for the whole
 * cost matrix).
 */
public final class Gits {
    private Gits() {
    }

    /**
     * Settings.
     *
     * @param teacherSteps M, the teacher grid's steps (>= 2)
     * @param substeps     Heun sub-steps per teacher interval of the teacher rollout (>= 1)
     * @param warmup       warm-up noises B (>= 1)
     * @param coeff        GITS' coefficient on the remaining cost (>= 1; 1.15 in GITS, 1.0 by default here)
     * @param seed         seed of the warm-up noises
     */
    public record Config(int teacherSteps, int substeps, int warmup, double coeff, long seed) {
        /** GITS' published coefficient. */
        public static final double GITS_COEFF = 1.15;
        /**
         * The default coefficient: with the solver-aware cost, 1.0 put GITS below EDM in 46 of 48 cells of zoo
         * members 0-7 (Euler and Heun, N = 5, 10, 18) against 38 with 1.15, which over-weights the last jumps
         * at N = 18 (1.15^17 = 10.8).
         */
        public static final double DEFAULT_COEFF = 1.0;

        /** Validates. */
        public Config {
            if (teacherSteps < 2 || substeps < 1 || warmup < 1 || !(coeff >= 1) || !Double.isFinite(coeff)) {
                throw new ArtException("GITS needs teacher steps >= 2, sub-steps >= 1, warm-up noises >= 1 and a "
                        + "finite coefficient >= 1, found " + teacherSteps + ", " + substeps + ", " + warmup + ", "
                        + coeff);
            }
        }

        /** M = 60, 4 sub-steps, 128 warm-up noises, coefficient {@link #DEFAULT_COEFF}. */
        public static Config defaults(long seed) {
            return new Config(60, 4, 128, DEFAULT_COEFF, seed);
        }
    }

    /**
     * The outcome.
     *
     * @param sigmas   the N + 1 chosen sigmas (teacher points, ending at 0)
     * @param indices  their teacher indices
     * @param cost     the DP value W_N[0]
     * @param calls    denoiser calls spent
     * @param training provenance
     */
    public record Result(double[] sigmas, int[] indices, double cost, long calls, Map<String, Object> training) {
        /** Copies. */
        public Result {
            sigmas = sigmas.clone();
            indices = indices.clone();
            training = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(training));
        }
    }

    /** The teacher grid: M points from sigmaMax to sigmaMin (EDM rho = 7), then 0. */
    public static double[] teacherGrid(double sigmaMax, double sigmaMin, int teacherSteps) {
        return GridSolver.edmGrid(sigmaMax, sigmaMin, teacherSteps, 7.0);
    }

    /** Runs GITS for N steps; {@code progress} sees each source point of the cost matrix (M in all). */
    public static Result search(DoubleDenoiser model, Solver solver, double sigmaMax, double sigmaMin, int steps,
                                Config config, IntConsumer progress) {
        return search(model, solver, sigmaMax, sigmaMin, steps, config, progress, null, false);
    }

    /**
     * The same, writing a checkpoint after every cost row to {@code checkpoint} (null: none) and, with {@code resume}
     * and an existing checkpoint, reusing the rows it holds.
     */
    public static Result search(DoubleDenoiser model, Solver solver, double sigmaMax, double sigmaMin, int steps,
                                Config config, IntConsumer progress, java.nio.file.Path checkpoint, boolean resume) {
        int m = config.teacherSteps();
        if (steps > m) {
            throw new ArtException("GITS needs a teacher grid of at least N steps: expected N <= " + m
                    + " teacher steps, found N = " + steps);
        }
        long calls0 = model.calls();
        long t0 = System.nanoTime();
        double[] t = teacherGrid(sigmaMax, sigmaMin, m);
        double[][] teacher = teacherStates(model, t, config);
        double sum = 0;
        for (double v : teacher[m]) {
            sum += v;
        }
        GitsState state = new GitsState(m, config.substeps(), config.warmup(), config.seed(), solver.id(), t[0],
                t[m - 1], sum, new double[0][]);
        double[][] done = resume && checkpoint != null && java.nio.file.Files.exists(checkpoint)
                ? GitsState.read(checkpoint, state).rows() : new double[0][];
        java.util.function.Consumer<double[][]> save = checkpoint == null ? null
                : rows -> state.withRows(rows).write(checkpoint);
        double[][] cost = costMatrix(model, solver, t, teacher, config.warmup(), progress, done, save);
        int[] path = dp(cost, steps, config.coeff());
        double[] sigmas = new double[steps + 1];
        for (int k = 0; k <= steps; k++) {
            sigmas[k] = t[path[k]];
        }
        double v = pathCost(cost, path, config.coeff());
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("teacher_steps", m);
        training.put("teacher_rho", 7.0);
        training.put("teacher_substeps", config.substeps());
        training.put("warmup", config.warmup());
        training.put("coeff", config.coeff());
        training.put("cost", "l2");
        training.put("seed", config.seed());
        training.put("teacher_indices", list(path));
        training.put("dp_value", v);
        training.put("resumed_rows", done.length);
        training.put("denoiser_calls", model.calls() - calls0);
        training.put("wall_seconds", (System.nanoTime() - t0) * 1e-9);
        return new Result(sigmas, path, v, model.calls() - calls0, training);
    }

    /** The warm-up noises' states at every teacher sigma (Heun with sub-steps, from x_0 = T z). */
    static double[][] teacherStates(DoubleDenoiser model, double[] t, Config config) {
        int b = config.warmup();
        int d = model.dim();
        double[] z = GridSolver.noise(config.seed(), b, d);
        double[][] states = new double[t.length][];
        double[] x = new double[b * d];
        for (int j = 0; j < x.length; j++) {
            x[j] = t[0] * z[j];
        }
        states[0] = x.clone();
        double[] next = new double[x.length];
        for (int i = 0; i + 1 < t.length; i++) {
            for (int s = 0; s < config.substeps(); s++) {
                double a = t[i] + (t[i + 1] - t[i]) * s / config.substeps();
                double c = s + 1 == config.substeps() ? t[i + 1] : t[i] + (t[i + 1] - t[i]) * (s + 1) / config.substeps();
                GridSolver.step(model, Solver.HEUN, x, null, a, c, b, next);
                double[] tmp = x;
                x = next;
                next = tmp;
            }
            states[i + 1] = x.clone();
        }
        return states;
    }

    /** c[i][j] = mean over the warm-up noises of ||S-step(x_i; t_i -> t_j) - x_j|| (j > i; else +inf). */
    static double[][] costMatrix(DoubleDenoiser model, Solver solver, double[] t, double[][] teacher, int b,
                                 IntConsumer progress) {
        return costMatrix(model, solver, t, teacher, b, progress, new double[0][], null);
    }

    /** The same, taking the first rows from {@code done} and handing the rows so far to {@code save} after each. */
    static double[][] costMatrix(DoubleDenoiser model, Solver solver, double[] t, double[][] teacher, int b,
                                 IntConsumer progress, double[][] done,
                                 java.util.function.Consumer<double[][]> save) {
        int m = t.length - 1;
        int d = model.dim();
        double[][] c = new double[m + 1][m + 1];
        for (double[] row : c) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        double[] out = new double[b * d];
        for (int i = 0; i < done.length; i++) {
            System.arraycopy(done[i], 0, c[i], i + 1, m - i);
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        for (int i = done.length; i < m; i++) {
            double[] x = teacher[i];
            double[] den = new double[b * d];
            model.denoise(x, GridSolver.filled(b, t[i]), b, den);
            for (int j = i + 1; j <= m; j++) {
                GridSolver.step(model, solver, x, den, t[i], t[j], b, out);
                double acc = 0;
                for (int s = 0; s < b; s++) {
                    double sq = 0;
                    for (int e = s * d; e < (s + 1) * d; e++) {
                        double r = out[e] - teacher[j][e];
                        sq += r * r;
                    }
                    acc += Math.sqrt(sq);
                }
                c[i][j] = acc / b;
            }
            if (save != null) {
                double[][] rows = new double[i + 1][];
                for (int r = 0; r <= i; r++) {
                    rows[r] = java.util.Arrays.copyOfRange(c[r], r + 1, m + 1);
                }
                save.accept(rows);
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        return c;
    }

    /**
     * GITS' DP over exactly {@code steps} jumps from teacher point 0 to point M = cost.length - 1, backwards from
     * M: W_1[i] = cost[i][M], W_k[i] = min_{j>i} cost[i][j] + coeff W_{k-1}[j], so the k-th jump of the path weighs
     * coeff^(k-1); ties go to the smallest j.
     *
     * @return the N + 1 teacher indices of the best path, 0 first, M last
     */
    public static int[] dp(double[][] cost, int steps, double coeff) {
        int m = cost.length - 1;
        if (m < 1 || steps < 1 || steps > m) {
            throw new ArtException("the DP needs 1 <= N <= M: expected N <= " + m + " teacher steps, found N = "
                    + steps);
        }
        double[][] w = new double[steps + 1][m + 1];
        int[][] arg = new int[steps + 1][m + 1];
        for (double[] row : w) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        for (int i = 0; i < m; i++) {
            w[1][i] = cost[i][m];
            arg[1][i] = m;
        }
        for (int k = 2; k <= steps; k++) {
            for (int i = 0; i < m; i++) {
                for (int j = i + 1; j < m; j++) {
                    double cand = cost[i][j] + coeff * w[k - 1][j];
                    if (cand < w[k][i]) {
                        w[k][i] = cand;
                        arg[k][i] = j;
                    }
                }
            }
        }
        if (!Double.isFinite(w[steps][0])) {
            throw new ArtException("no finite path of " + steps + " jumps through the cost matrix; expected finite "
                    + "costs c[i][j] for i < j");
        }
        int[] path = new int[steps + 1];
        for (int k = steps; k > 0; k--) {
            path[steps - k + 1] = arg[k][path[steps - k]];
        }
        return path;
    }

    /** GITS' objective of one path: sum_k coeff^(k-1) c[path_{k-1}][path_k] (the first jump weighs 1). */
    public static double pathCost(double[][] cost, int[] path, double coeff) {
        double v = 0;
        for (int k = path.length - 1; k > 0; k--) {
            v = cost[path[k - 1]][path[k]] + coeff * v;
        }
        return v;
    }

    /** The teacher indices as a list, for provenance. */
    static List<Integer> list(int[] path) {
        List<Integer> out = new ArrayList<>();
        for (int p : path) {
            out.add(p);
        }
        return out;
    }
}
