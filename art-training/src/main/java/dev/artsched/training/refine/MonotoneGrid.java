package dev.artsched.training.refine;

import dev.artsched.scheduler.ArtException;

/**
 * The monotone parameterisation of an N-step grid: N logits a, w = softmax(a), c_i = w_1 + ... + w_i, and
 * log sigma_i = log T - (log T - log floor) c_i for the interior i = 1..N-1, with sigma_0 = T and sigma_N = 0.
 * Every a gives a valid grid with sigma_{N-1} above the floor.
 */
final class MonotoneGrid {
    /** Smallest share of the log-range one increment of a converted grid keeps. */
    static final double MIN_SHARE = 1e-4;
    private final double sigmaMax;
    private final double floor;
    private final double width;

    MonotoneGrid(double sigmaMax, double floor) {
        if (!(floor > 0) || !(sigmaMax > floor)) {
            throw new ArtException("the grid parameterisation needs sigma_max > floor > 0, found sigma_max = "
                    + sigmaMax + ", floor = " + floor);
        }
        this.sigmaMax = sigmaMax;
        this.floor = floor;
        this.width = Math.log(sigmaMax) - Math.log(floor);
    }

    /** Logits reproducing {@code sigmas} (interior points at or below the floor are lifted just above it). */
    double[] logits(double[] sigmas) {
        int n = sigmas.length - 1;
        double[] u = new double[n];
        double prev = Math.log(sigmaMax);
        double used = 0;
        for (int i = 1; i < n; i++) {
            double ls = Math.log(Math.max(sigmas[i], floor));
            u[i - 1] = Math.max((prev - ls) / width, MIN_SHARE);
            used += u[i - 1];
            prev = ls;
        }
        u[n - 1] = Math.max(1 - used, MIN_SHARE);
        double total = used + u[n - 1];
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.log(u[i] / total);
        }
        return a;
    }

    /** The grid of logits a: N + 1 sigmas from T to 0. */
    double[] sigmas(double[] a) {
        int n = a.length;
        double[] w = softmax(a);
        double[] s = new double[n + 1];
        s[0] = sigmaMax;
        double c = 0;
        for (int i = 1; i < n; i++) {
            c += w[i - 1];
            s[i] = Math.exp(Math.log(sigmaMax) - width * c);
        }
        s[n] = 0;
        return s;
    }

    /** dL/da from dL/dsigma_i of the interior sigmas (g[i - 1] for sigma_i). */
    double[] chain(double[] a, double[] gradSigma) {
        int n = a.length;
        double[] w = softmax(a);
        double[] s = sigmas(a);
        double[] out = new double[n];
        double c = 0;
        for (int i = 1; i < n; i++) {
            c += w[i - 1];
            double f = gradSigma[i - 1] * s[i] * -width;
            for (int m = 0; m < n; m++) {
                out[m] += f * ((m < i ? w[m] : 0) - w[m] * c);
            }
        }
        return out;
    }

    static double[] softmax(double[] a) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            max = Math.max(max, v);
        }
        double[] w = new double[a.length];
        double z = 0;
        for (int i = 0; i < a.length; i++) {
            w[i] = Math.exp(a[i] - max);
            z += w[i];
        }
        for (int i = 0; i < a.length; i++) {
            w[i] /= z;
        }
        return w;
    }
}
