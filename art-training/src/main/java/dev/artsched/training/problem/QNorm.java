package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;

import java.util.Locale;

/**
 * How the vector Q (the trajectory's acceleration) is reduced to the scalar |Q| of the ART cost. Any constant
 * rescaling changes only the scale of gamma and lambda, not the optimal schedule (docs/MATH.md section 2); the choice
 * is recorded in the schedule file.
 */
public enum QNorm {
    /** The Euclidean norm ||Q||. */
    EUCLIDEAN,
    /** The root mean square ||Q|| / sqrt(d). */
    RMS;

    /** The norm for one sample's values {@code v[offset .. offset + dim)}. */
    public double apply(double[] v, int offset, int dim) {
        double sq = 0;
        for (int j = offset, e = offset + dim; j < e; j++) {
            sq += v[j] * v[j];
        }
        return this == EUCLIDEAN ? Math.sqrt(sq) : Math.sqrt(sq / dim);
    }

    /** The default: Euclidean in 1-D (where both agree), RMS for d > 1. */
    public static QNorm forDimension(int dim) {
        return dim == 1 ? EUCLIDEAN : RMS;
    }

    /** Lower-case name as written in schedule files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code euclidean} or {@code rms}. */
    public static QNorm parse(String text) {
        for (QNorm n : values()) {
            if (n.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return n;
            }
        }
        throw new ArtException("unknown |Q| norm '" + text + "': expected euclidean or rms");
    }
}
