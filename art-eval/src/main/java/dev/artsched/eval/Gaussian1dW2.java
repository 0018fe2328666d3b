package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;

import java.util.SplittableRandom;

/**
 * Wasserstein-2 distances for the ART paper's 1-D benchmark (docs/MATH.md section 4): data p0 = N(0, 1), VE noising
 * sigma(t) = t, initial state x ~ N(0, 1 + T^2) with T = sigma_0. Euler on any grid maps x linearly, so the
 * output is exactly N(0, v) and W2(N(0, v), N(0, 1)) = |sqrt(v) - 1|.
 */
public final class Gaussian1dW2 {
    private Gaussian1dW2() {
    }

    /** The factor a with x_N = a x_0 for Euler on the grid (double precision, exact). */
    public static double eulerGain(double[] sigmas) {
        Schedule.validate(sigmas);
        double a = 1.0;
        for (int k = 0; k + 1 < sigmas.length; k++) {
            double s = sigmas[k];
            double h = sigmas[k + 1] - s;
            a *= 1.0 + h * s / (1.0 + s * s);
        }
        return a;
    }

    /** Exact W2 between Euler's output on the grid and N(0, 1). */
    public static double exact(double[] sigmas) {
        double t = sigmas[0];
        double std = Math.abs(eulerGain(sigmas)) * Math.sqrt(1.0 + t * t);
        return Math.abs(std - 1.0);
    }

    /**
     * Monte-Carlo W2 from {@code samples} Euler outputs (>= 2): the sorted samples are matched to the standard
     * normal quantiles at (i + 0.5) / n, the optimal 1-D coupling.
     */
    public static double monteCarlo(double[] sigmas, int samples, long seed) {
        if (samples < 2) {
            throw new ArtException("Monte-Carlo W2 needs at least 2 samples, found " + samples);
        }
        Schedule.validate(sigmas);
        double t = sigmas[0];
        double sd0 = Math.sqrt(1.0 + t * t);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[samples];
        for (int i = 0; i < samples; i++) {
            double xi = sd0 * gaussian(rng);
            for (int k = 0; k + 1 < sigmas.length; k++) {
                double s = sigmas[k];
                double d = s / (1.0 + s * s) * xi;
                xi += (sigmas[k + 1] - s) * d;
            }
            x[i] = xi;
        }
        java.util.Arrays.sort(x);
        double acc = 0;
        for (int i = 0; i < samples; i++) {
            double q = inverseNormal((i + 0.5) / samples);
            double diff = x[i] - q;
            acc += diff * diff;
        }
        return Math.sqrt(acc / samples);
    }

    private static double gaussian(SplittableRandom rng) {
        double u1;
        do {
            u1 = rng.nextDouble();
        } while (u1 <= 0);
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Standard normal quantile (Acklam's rational approximation refined by one Halley step). */
    static double inverseNormal(double p) {
        if (!(p > 0 && p < 1)) {
            throw new ArtException("quantile level must be in (0, 1), found " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p > 1 - 0.02425) {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        double e = 0.5 * erfc(-x / Math.sqrt(2)) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    private static double erfc(double x) {
        return org.hipparchus.special.Erf.erfc(x);
    }
}
