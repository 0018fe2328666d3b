package dev.artsched.training.refine;

import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;

import java.util.List;

/**
 * The final pick among candidate grids on held-out noises of their own. The solver's squared error is often
 * heavy-tailed (a few trajectories that change mode between narrow components carry most of the mean), so a fixed
 * noise set can rank two close grids by chance. The set starts at {@code start} noises and grows fourfold, up to
 * {@code cap}, while the best grid's lead over any other is within two standard errors of the paired per-noise
 * difference (grids with the same output on every noise are the same grid and do not hold it back).
 */
final class Selection {
    private Selection() {
    }

    /**
     * The outcome.
     *
     * @param best   the index of the best grid
     * @param noises the noises the ranking used
     * @param losses every grid's mean loss on them
     */
    record Outcome(int best, int noises, double[] losses) {
    }

    /** The noise cap for dimension d: about 2^21 values, at least {@code start}, at most 131072 noises. */
    static int cap(int start, int d) {
        return Math.max(start, Math.min(131072, (1 << 21) / d));
    }

    static Outcome pick(DoubleDenoiser model, Solver solver, List<double[]> grids, double[] reference, int start,
                        int cap, long seed) {
        int d = model.dim();
        int n = start;
        while (true) {
            double[] z = GridSolver.noise(seed, n, d);
            double[] ref = GridSolver.solve(model, Solver.HEUN, reference, z, n);
            double[][] per = new double[grids.size()][];
            double[] mean = new double[grids.size()];
            int best = 0;
            for (int c = 0; c < grids.size(); c++) {
                per[c] = perNoise(GridSolver.solve(model, solver, grids.get(c), z, n), ref, n, d);
                for (double v : per[c]) {
                    mean[c] += v / n;
                }
                if (mean[c] < mean[best]) {
                    best = c;
                }
            }
            if (n >= cap || settled(per, best, n)) {
                return new Outcome(best, n, mean);
            }
            n = (int) Math.min(cap, 4L * n);
        }
    }

    /** Whether the best grid leads every other by more than two standard errors of the paired difference. */
    private static boolean settled(double[][] per, int best, int n) {
        for (int c = 0; c < per.length; c++) {
            if (c == best) {
                continue;
            }
            double m = 0;
            double m2 = 0;
            for (int i = 0; i < n; i++) {
                double diff = per[c][i] - per[best][i];
                m += diff;
                m2 += diff * diff;
            }
            if (m == 0 && m2 == 0) {
                continue;   // the same outputs on every noise: the same grid, either is right
            }
            m /= n;
            double var = Math.max(0, m2 / n - m * m);
            if (m <= 2 * Math.sqrt(var / n)) {
                return false;
            }
        }
        return true;
    }

    private static double[] perNoise(double[] out, double[] ref, int n, int d) {
        double[] per = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                double e = out[j] - ref[j];
                s += e * e;
            }
            per[i] = s / d;
        }
        return per;
    }
}
