package dev.artsched.sampling;

/**
 * The local error of EDM's Heun sampler over sigma, from a measured density (the Heun closed form's probes,
 * docs/MATH.md): a Heun step from sigma_a down to sigma_b > 0 errs by (integral_{sigma_b}^{sigma_a} C^(1/3)
 * d sigma)^3 (C h^3 for a constant C), the final Euler step from sigma_a into 0 by E(sigma_a); a grid's error is the
 * sum over its steps. The Heun closed form is the grid that spreads this error equally over the steps. Immutable.
 */
public final class HeunLocalError {
    /** Ascending probe sigmas. */
    private final double[] s;
    /** integral_0^{s_k} C^(1/3) d sigma (C^(1/3) constant below the lowest probe). */
    private final double[] cum;
    private final double[] logE;

    /**
     * @param sigmas probe noise levels, strictly descending, all > 0
     * @param c      C(sigma) > 0 at each probe
     * @param last   E(sigma) > 0 at each probe
     */
    public HeunLocalError(double[] sigmas, double[] c, double[] last) {
        double[] p = sigmas;
        int n = p.length;
        if (n < 2 || c.length != n || last.length != n) {
            throw new dev.artsched.scheduler.ArtException("the Heun local error needs >= 2 probes with one C and one E "
                    + "each, found " + n + " probes, " + c.length + " C and " + last.length + " E");
        }
        s = new double[n];
        cum = new double[n];
        logE = new double[n];
        double[] rho = new double[n];
        for (int k = 0; k < n; k++) {
            s[n - 1 - k] = p[k];
            rho[n - 1 - k] = Math.cbrt(c[k]);
            logE[n - 1 - k] = Math.log(last[k]);
        }
        cum[0] = rho[0] * s[0];
        for (int k = 1; k < n; k++) {
            cum[k] = cum[k - 1] + 0.5 * (rho[k] + rho[k - 1]) * (s[k] - s[k - 1]);
        }
    }

    /** The cumulative density at sigma (linear between probes, proportional below the lowest, flat above). */
    private double at(double sigma) {
        int n = s.length;
        if (sigma <= s[0]) {
            return cum[0] * Math.max(sigma, 0) / s[0];
        }
        if (sigma >= s[n - 1]) {
            return cum[n - 1];
        }
        int hi = java.util.Arrays.binarySearch(s, sigma);
        if (hi >= 0) {
            return cum[hi];
        }
        hi = -hi - 1;
        double w = (sigma - s[hi - 1]) / (s[hi] - s[hi - 1]);
        return cum[hi - 1] + w * (cum[hi] - cum[hi - 1]);
    }

    /** E(sigma), the error of one Euler step from sigma into 0: log-log between probes, proportional below. */
    private double last(double sigma) {
        int n = s.length;
        if (sigma <= s[0]) {
            return Math.exp(logE[0]) * Math.max(sigma, 0) / s[0];
        }
        if (sigma >= s[n - 1]) {
            return Math.exp(logE[n - 1]);
        }
        int hi = java.util.Arrays.binarySearch(s, sigma);
        if (hi >= 0) {
            return Math.exp(logE[hi]);
        }
        hi = -hi - 1;
        double w = (Math.log(sigma) - Math.log(s[hi - 1])) / (Math.log(s[hi]) - Math.log(s[hi - 1]));
        return Math.exp(logE[hi - 1] + w * (logE[hi] - logE[hi - 1]));
    }

    /** The local error of one step from {@code from} down to {@code to} (into 0: the final Euler step). */
    public double step(double from, double to) {
        if (!(to > 0)) {
            return last(from);
        }
        double a = Math.max(0, at(from) - at(to));
        return a * a * a;
    }

    /** The summed local error of a grid ending at 0. */
    public double objective(double[] sigmas) {
        double total = 0;
        for (int k = 0; k + 1 < sigmas.length; k++) {
            total += step(sigmas[k], sigmas[k + 1]);
        }
        return total;
    }
}
