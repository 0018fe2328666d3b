package dev.artsched.training.rl;

import dev.artsched.training.problem.ArtProblem;

/**
 * The solves of the prior gate on held-out rollouts: a grid's end states with EDM's Heun or Euler through the flow
 * field, an accurate solution, and the RMS distance between end states. Stateless.
 */
final class HeldOutSolves {
    private HeldOutSolves() {
    }

    /** One step of EDM's Heun from sigma a to b (Euler when b is 0) of every state in x, into out (may be x). */
    private static void heun(ArtProblem problem, double[] x, double a, double b, double[] sig, double[] f,
                             double[] f2, double[] q, double[] y, double[] out, int rollouts) {
        int n = x.length;
        java.util.Arrays.fill(sig, Math.max(a, problem.sigmaMin()));
        problem.model().evaluate(x, sig, rollouts, f, q);
        double h = a - b;
        if (!(b > 0)) {
            for (int j = 0; j < n; j++) {
                out[j] = x[j] + h * f[j];
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            y[j] = x[j] + h * f[j];
        }
        java.util.Arrays.fill(sig, Math.max(b, problem.sigmaMin()));
        problem.model().evaluate(y, sig, rollouts, f2, q);
        for (int j = 0; j < n; j++) {
            out[j] = x[j] + 0.5 * h * (f[j] + f2[j]);
        }
    }

    /** Steps of the accurate solution the prior gate measures grids against (EDM spacing, rho 7, Heun). */
    static final int GATE_REFERENCE_STEPS = 128;

    /**
     * Solves the probability-flow ODE from the states {@code x} (overwritten with the result) along a grid ending at
     * 0 with EDM's Heun ({@code heun}) or Euler; a step into 0 is an Euler step.
     */
    static void solve(ArtProblem problem, double[] sigmas, boolean heun, double[] x, int rollouts) {
        int n = x.length;
        double[] f = new double[n];
        double[] f2 = new double[n];
        double[] q = new double[n];
        double[] y = new double[n];
        double[] sig = new double[rollouts];
        for (int k = 0; k + 1 < sigmas.length; k++) {
            heun(problem, x, sigmas[k], heun ? sigmas[k + 1] : 0.0, sig, f, f2, q, y, y, rollouts);
            if (heun) {
                System.arraycopy(y, 0, x, 0, n);
            } else {
                double h = sigmas[k] - sigmas[k + 1];
                for (int j = 0; j < n; j++) {
                    x[j] += h * f[j];
                }
            }
        }
    }

    /** The accurate end states from {@code x0}: {@link #GATE_REFERENCE_STEPS} Heun steps on EDM's grid, then 0. */
    static double[] reference(ArtProblem problem, double[] x0, int rollouts) {
        double t = problem.sigmaMax();
        double smin = problem.sigmaMin();
        int m = GATE_REFERENCE_STEPS;
        double[] grid = new double[m + 1];
        double a = Math.pow(t, 1 / 7.0);
        double b = Math.pow(smin, 1 / 7.0);
        for (int i = 0; i < m; i++) {
            grid[i] = Math.pow(a + (double) i / (m - 1) * (b - a), 7);
        }
        grid[m] = 0.0;
        double[] x = x0.clone();
        solve(problem, grid, true, x, rollouts);
        return x;
    }

    /** The RMS distance per element between end states, averaged over the rollouts (ref-rmse). */
    static double rmse(double[] a, double[] b, int rollouts) {
        int d = a.length / rollouts;
        double acc = 0;
        for (int i = 0; i < rollouts; i++) {
            double sq = 0;
            for (int j = i * d, e = j + d; j < e; j++) {
                sq += (a[j] - b[j]) * (a[j] - b[j]);
            }
            acc += Math.sqrt(sq / d);
        }
        return acc / rollouts;
    }
}
