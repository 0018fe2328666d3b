package dev.artsched.sampling.analytic;

import dev.artsched.scheduler.ArtException;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A generated family of analytic Gaussian-mixture models with exact D and JVP, one member per seed: dimension
 * 1-64 (log-uniform), 1-16 modes, per-mode spreads 0.01-1 of the data scale (log-uniform), unequal weights,
 * data scale 0.1-5 and sigma_max 1-160 (both log-uniform), sigma_min 0.002. Selectable as
 * {@code analytic:zoo-SEED} wherever a model is named.
 */
public final class ModelZoo {
    /** The name prefix of zoo members after {@code analytic:}. */
    public static final String PREFIX = "zoo-";
    /** sigma_min of every member. */
    public static final double SIGMA_MIN = 0.002;

    private ModelZoo() {
    }

    /**
     * One member.
     *
     * @param seed     the seed it was drawn from
     * @param model    the mixture
     * @param dim      dimension d
     * @param modes    components K
     * @param scale    data scale (std of the mode means)
     * @param sigmaMax T
     */
    public record Member(long seed, GaussianMixtureDenoiser model, int dim, int modes, double scale,
                         double sigmaMax) {
        /** Validates. */
        public Member {
            if (model == null || dim < 1 || modes < 1 || !(scale > 0) || !(sigmaMax > SIGMA_MIN)) {
                throw new ArtException("a zoo member needs a model, d >= 1, K >= 1, scale > 0 and sigma_max > "
                        + SIGMA_MIN + ", found d = " + dim + ", K = " + modes + ", scale = " + scale
                        + ", sigma_max = " + sigmaMax);
            }
        }

        /** The spec {@code zoo-SEED}. */
        public String name() {
            return PREFIX + seed;
        }

        /** A one-line description: {@code zoo-7 (d=12, K=3, scale=0.84, T=37.2)}. */
        public String describe() {
            return String.format(Locale.ROOT, "%s (d=%d, K=%d, scale=%.3g, T=%.3g)", name(), dim, modes, scale,
                    sigmaMax);
        }
    }

    /** The member drawn from {@code seed}. */
    public static Member member(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int dim = (int) Math.min(64, Math.max(1, Math.round(Math.exp(rng.nextDouble() * Math.log(64)))));
        int modes = 1 + (int) Math.min(15, Math.floor(rng.nextDouble() * 16));
        double scale = logUniform(rng, 0.1, 5);
        double sigmaMax = logUniform(rng, 1, 160);
        double[][] means = new double[modes][dim];
        double[] weights = new double[modes];
        double[] stds = new double[modes];
        for (int k = 0; k < modes; k++) {
            for (int j = 0; j < dim; j++) {
                means[k][j] = scale * rng.nextGaussian();
            }
            weights[k] = Math.exp(rng.nextGaussian());
            stds[k] = scale * logUniform(rng, 0.01, 1);
        }
        return new Member(seed, new GaussianMixtureDenoiser(means, weights, stds), dim, modes, scale, sigmaMax);
    }

    /** The member named {@code zoo-SEED}. */
    public static Member parse(String name) {
        if (name == null || !name.startsWith(PREFIX)) {
            throw new ArtException("a zoo member is named zoo-SEED, found '" + name + "'");
        }
        try {
            return member(Long.parseLong(name.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            throw new ArtException("a zoo member is named zoo-SEED with an integer seed, found '" + name + "'");
        }
    }

    private static double logUniform(SplittableRandom rng, double lo, double hi) {
        return Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }
}
