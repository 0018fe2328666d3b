package dev.artsched.sampling.adapters;

import dev.artsched.scheduler.ArtException;

/**
 * The noise table of a discrete variance-preserving (DDPM-style) model: alphas_cumprod[t] for t = 0..T-1 and
 * the equivalent EDM noise levels sigma_t = sqrt((1 - a_t) / a_t). Maps any sigma in
 * [sigma_min, sigma_max] to a fractional timestep by linear interpolation in log sigma (k-diffusion's rule) and
 * back. Immutable and thread-safe.
 */
public final class DiscreteVpSchedule {
    private final double[] alphasCumprod;
    private final double[] logSigmas;

    /** @param alphasCumprod strictly decreasing values in (0, 1), one per training timestep */
    public DiscreteVpSchedule(double[] alphasCumprod) {
        if (alphasCumprod.length < 2) {
            throw new ArtException("alphas_cumprod needs at least 2 entries, found " + alphasCumprod.length);
        }
        this.alphasCumprod = alphasCumprod.clone();
        this.logSigmas = new double[alphasCumprod.length];
        for (int t = 0; t < alphasCumprod.length; t++) {
            double a = alphasCumprod[t];
            if (!(a > 0 && a < 1)) {
                throw new ArtException("alphas_cumprod[" + t + "] must be in (0, 1), found " + a);
            }
            if (t > 0 && !(a < alphasCumprod[t - 1])) {
                throw new ArtException("alphas_cumprod must be strictly decreasing: [" + t + "] = " + a
                        + " is not below [" + (t - 1) + "] = " + alphasCumprod[t - 1]);
            }
            logSigmas[t] = 0.5 * Math.log((1 - a) / a);
        }
    }

    /**
     * The DDPM linear beta schedule (beta from {@code betaStart} to {@code betaEnd} over {@code steps});
     * with {@code scaled = true} the Stable Diffusion "scaled_linear" variant (linear in sqrt(beta)).
     */
    public static DiscreteVpSchedule linearBetas(double betaStart, double betaEnd, int steps, boolean scaled) {
        if (steps < 2 || !(betaStart > 0) || !(betaEnd < 1) || !(betaEnd > betaStart)) {
            throw new ArtException("expected 0 < betaStart < betaEnd < 1 and steps >= 2, found " + betaStart + ", "
                    + betaEnd + ", " + steps);
        }
        double[] ac = new double[steps];
        double prod = 1;
        for (int t = 0; t < steps; t++) {
            double u = (double) t / (steps - 1);
            double beta = scaled
                    ? Math.pow(Math.sqrt(betaStart) + u * (Math.sqrt(betaEnd) - Math.sqrt(betaStart)), 2)
                    : betaStart + u * (betaEnd - betaStart);
            prod *= 1 - beta;
            ac[t] = prod;
        }
        return new DiscreteVpSchedule(ac);
    }

    /** Number of training timesteps T. */
    public int size() {
        return alphasCumprod.length;
    }

    /** sigma of timestep 0 (the smallest). */
    public double sigmaMin() {
        return Math.exp(logSigmas[0]);
    }

    /** sigma of timestep T - 1 (the largest). */
    public double sigmaMax() {
        return Math.exp(logSigmas[logSigmas.length - 1]);
    }

    /** The fractional timestep of a noise level, clamped to [0, T - 1]. */
    public double sigmaToT(double sigma) {
        if (!(sigma > 0)) {
            throw new ArtException("sigma must be > 0 to map to a timestep, found " + sigma);
        }
        double ls = Math.log(sigma);
        int n = logSigmas.length;
        if (ls <= logSigmas[0]) {
            return 0;
        }
        if (ls >= logSigmas[n - 1]) {
            return n - 1;
        }
        int lo = 0;
        int hi = n - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (logSigmas[mid] <= ls) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double w = (ls - logSigmas[lo]) / (logSigmas[hi] - logSigmas[lo]);
        return lo + w;
    }

    /** The noise level of a fractional timestep (log-sigma interpolation, the inverse of {@link #sigmaToT}). */
    public double tToSigma(double t) {
        if (!(t >= 0 && t <= logSigmas.length - 1)) {
            throw new ArtException("timestep must be in [0, " + (logSigmas.length - 1) + "], found " + t);
        }
        int lo = (int) Math.floor(t);
        if (lo == logSigmas.length - 1) {
            return Math.exp(logSigmas[lo]);
        }
        double w = t - lo;
        return Math.exp(logSigmas[lo] + w * (logSigmas[lo + 1] - logSigmas[lo]));
    }
}
