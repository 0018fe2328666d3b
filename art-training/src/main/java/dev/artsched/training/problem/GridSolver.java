package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;

import java.util.Arrays;

/**
 * The samplers the grid optimisers differentiate and score, in double: Euler and EDM's Heun (no corrector on the
 * step into 0), on any grid, from x_0 = sigma_0 z; the fine reference grid; seeded standard-normal noise and the
 * loss mean ||x - x_ref||^2 / d. Stateless.
 */
public final class GridSolver {
    private GridSolver() {
    }

    /** {@code batch * dim} seeded standard-normal values. */
    public static double[] noise(long seed, int batch, int dim) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        double[] z = new double[batch * dim];
        for (int i = 0; i < z.length; i++) {
            z[i] = rng.nextGaussian();
        }
        return z;
    }

    /** The EDM (rho) grid of {@code steps} steps: {@code steps} points from sigmaMax to sigmaMin, then 0. */
    public static double[] edmGrid(double sigmaMax, double sigmaMin, int steps, double rho) {
        if (steps < 2 || !(sigmaMax > sigmaMin) || !(sigmaMin > 0)) {
            throw new ArtException("an EDM grid needs >= 2 steps and sigma_max > sigma_min > 0, found " + steps
                    + " steps on [" + sigmaMin + ", " + sigmaMax + "]");
        }
        double a = Math.pow(sigmaMax, 1 / rho);
        double b = Math.pow(sigmaMin, 1 / rho);
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            s[i] = Math.pow(a + (double) i / (steps - 1) * (b - a), rho);
        }
        s[0] = sigmaMax;
        s[steps - 1] = sigmaMin;
        return s;
    }

    /** One step from sigma s to sNext for {@code batch} states; {@code den} may hold D(x; s) already (else null). */
    public static void step(DoubleDenoiser model, Solver solver, double[] x, double[] den, double s, double sNext,
                            int batch, double[] out) {
        int n = batch * model.dim();
        double[] d0 = den;
        if (d0 == null) {
            d0 = new double[n];
            model.denoise(x, filled(batch, s), batch, d0);
        }
        double h = sNext - s;
        for (int j = 0; j < n; j++) {
            out[j] = x[j] + h * (x[j] - d0[j]) / s;
        }
        if (solver == Solver.HEUN && sNext != 0.0) {
            double[] d1 = new double[n];
            model.denoise(out, filled(batch, sNext), batch, d1);
            for (int j = 0; j < n; j++) {
                double slope0 = (x[j] - d0[j]) / s;
                double slope1 = (out[j] - d1[j]) / sNext;
                out[j] = x[j] + h * 0.5 * (slope0 + slope1);
            }
        }
    }

    /** The states after every grid point, from x_0 = sigmas[0] z: {@code sigmas.length} arrays. */
    public static double[][] trajectory(DoubleDenoiser model, Solver solver, double[] sigmas, double[] z, int batch) {
        double[][] states = new double[sigmas.length][];
        double[] x = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            x[j] = sigmas[0] * z[j];
        }
        states[0] = x;
        for (int k = 0; k + 1 < sigmas.length; k++) {
            double[] next = new double[x.length];
            step(model, solver, x, null, sigmas[k], sigmas[k + 1], batch, next);
            x = next;
            states[k + 1] = x;
        }
        return states;
    }

    /** The final state along {@code sigmas} from x_0 = sigmas[0] z. */
    public static double[] solve(DoubleDenoiser model, Solver solver, double[] sigmas, double[] z, int batch) {
        double[] x = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            x[j] = sigmas[0] * z[j];
        }
        double[] next = new double[x.length];
        for (int k = 0; k + 1 < sigmas.length; k++) {
            step(model, solver, x, null, sigmas[k], sigmas[k + 1], batch, next);
            double[] t = x;
            x = next;
            next = t;
        }
        return x;
    }

    /** Mean over samples of ||a - b||^2 / d. */
    public static double loss(double[] a, double[] b, int dim) {
        double acc = 0;
        for (int j = 0; j < a.length; j++) {
            double e = a[j] - b[j];
            acc += e * e;
        }
        return acc / a.length;
    }

    /** {@code batch} copies of {@code value}. */
    public static double[] filled(int batch, double value) {
        double[] s = new double[batch];
        Arrays.fill(s, value);
        return s;
    }
}
