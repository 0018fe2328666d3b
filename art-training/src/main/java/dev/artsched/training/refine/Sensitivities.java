package dev.artsched.training.refine;

import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;

/**
 * The loss L = mean ||Phi_S(z; grid) - x_ref||^2 / d of a grid and its exact gradient with respect to the
 * interior sigmas by forward-mode sensitivities: one tangent per interior sigma, all tangents of all noises
 * batched into one JVP call per solver stage (tangents that are still zero are skipped).
 */
final class Sensitivities {
    private Sensitivities() {
    }

    /** The loss, and into {@code grad} (length N - 1, or null) dL/dsigma_i for i = 1..N-1. */
    static double lossAndGradient(DoubleDenoiser model, Solver solver, double[] sig, double[] z, double[] ref,
                                  int batch, double[] grad) {
        int d = model.dim();
        int nb = batch * d;
        int steps = sig.length - 1;
        int p = steps - 1;
        double[] x = new double[nb];
        for (int j = 0; j < nb; j++) {
            x[j] = sig[0] * z[j];
        }
        double[] xt = new double[Math.max(p, 1) * nb];
        for (int k = 0; k < steps; k++) {
            double s = sig[k];
            double sn = sig[k + 1];
            double h = sn - s;
            int active = Math.min(k + 1, p);
            double[] den = new double[nb];
            double[] dt = new double[active * nb];
            stage(model, x, s, xt, Math.min(k, p), batch, k, den, dt);
            double[] slope = new double[nb];
            for (int j = 0; j < nb; j++) {
                slope[j] = (x[j] - den[j]) / s;
            }
            double[] slopeT = new double[active * nb];
            for (int q = 0; q < active; q++) {
                double st = q + 1 == k ? 1 : 0;
                for (int j = 0; j < nb; j++) {
                    slopeT[q * nb + j] = (xt[q * nb + j] - dt[q * nb + j]) / s - slope[j] * st / s;
                }
            }
            double[] xn = new double[nb];
            double[] xnt = new double[xt.length];
            boolean heun = solver == Solver.HEUN && sn != 0.0;
            for (int j = 0; j < nb; j++) {
                xn[j] = x[j] + h * slope[j];
            }
            for (int q = 0; q < active; q++) {
                double ht = (q + 1 == k + 1 ? 1 : 0) - (q + 1 == k ? 1 : 0);
                for (int j = 0; j < nb; j++) {
                    int e = q * nb + j;
                    xnt[e] = xt[e] + ht * slope[j] + h * slopeT[e];
                }
            }
            if (heun) {
                double[] den2 = new double[nb];
                double[] dt2 = new double[active * nb];
                stage(model, xn, sn, xnt, active, batch, k + 1, den2, dt2);
                double[] out = new double[nb];
                double[] outT = new double[xt.length];
                for (int j = 0; j < nb; j++) {
                    double slope2 = (xn[j] - den2[j]) / sn;
                    out[j] = x[j] + h * 0.5 * (slope[j] + slope2);
                    for (int q = 0; q < active; q++) {
                        int e = q * nb + j;
                        double snt = q + 1 == k + 1 ? 1 : 0;
                        double ht = (q + 1 == k + 1 ? 1 : 0) - (q + 1 == k ? 1 : 0);
                        double slope2T = (xnt[e] - dt2[e]) / sn - slope2 * snt / sn;
                        outT[e] = xt[e] + ht * 0.5 * (slope[j] + slope2) + h * 0.5 * (slopeT[e] + slope2T);
                    }
                }
                xn = out;
                xnt = outT;
            }
            x = xn;
            xt = xnt;
        }
        double loss = GridSolver.loss(x, ref, d);
        if (grad != null) {
            for (int q = 0; q < p; q++) {
                double acc = 0;
                for (int j = 0; j < nb; j++) {
                    acc += (x[j] - ref[j]) * xt[q * nb + j];
                }
                grad[q] = 2 * acc / nb;
            }
        }
        return loss;
    }

    /** D(x; s) into den and, for the first {@code active} tangents, the JVP with sigma tangent [q + 1 == k]. */
    private static void stage(DoubleDenoiser model, double[] x, double s, double[] xt, int active, int batch, int k,
                              double[] den, double[] dt) {
        int nb = x.length;
        if (active == 0) {
            model.denoise(x, GridSolver.filled(batch, s), batch, den);
            return;
        }
        double[] xs = new double[active * nb];
        double[] ss = GridSolver.filled(active * batch, s);
        double[] st = new double[active * batch];
        for (int q = 0; q < active; q++) {
            System.arraycopy(x, 0, xs, q * nb, nb);
            if (q + 1 == k) {
                java.util.Arrays.fill(st, q * batch, (q + 1) * batch, 1.0);
            }
        }
        double[] all = new double[active * nb];
        model.jvp(xs, ss, java.util.Arrays.copyOf(xt, active * nb), st, active * batch, all, dt);
        System.arraycopy(all, 0, den, 0, nb);
    }
}
