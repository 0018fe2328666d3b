package dev.artsched.training.rl;

import dev.artsched.scheduler.ArtException;

/**
 * How the actor network's output z becomes the mean clock speed m. The optimal speed spans decades when |Q|
 * does (theta* ~ |Q|^(-1/2): on a T = 80 image model from ~0.1 to ~30), and Adam moves each weight by about
 * its learning rate per step, so the head decides which speeds 5000 iterations can reach.
 */
public enum MeanHead {
    /** m = z, the paper's linear head. */
    LINEAR,
    /** m = softplus(z) > 0. */
    SOFTPLUS,
    /** m = exp(z) > 0, the log-speed head: every decade of speed is the same distance in z [decision]. */
    EXP;

    /** The pre-activation bias that gives the speed {@code theta} at start. */
    public double biasFor(double theta) {
        return switch (this) {
            case LINEAR -> theta;
            case SOFTPLUS -> Math.log(Math.expm1(theta));
            case EXP -> Math.log(theta);
        };
    }

    /** The mean speed for the network output {@code z}. */
    public double apply(double z) {
        return switch (this) {
            case LINEAR -> z;
            case SOFTPLUS -> z > 30 ? z : Math.log1p(Math.exp(z));
            case EXP -> Math.exp(Math.min(z, 50.0));
        };
    }

    /** Lower-case name, as on the command line and in provenance. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses linear, softplus or exp. */
    public static MeanHead parse(String text) {
        for (MeanHead h : values()) {
            if (h.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return h;
            }
        }
        throw new ArtException("unknown actor mean head '" + text + "': expected linear, softplus or exp");
    }
}
