package dev.artsched.scheduler;

import java.util.Locale;

/** The ODE solver a schedule is used with; fixes the number of denoiser evaluations (NFE) per grid. */
public enum Solver {
    /** Explicit Euler: one denoiser call per step, N calls for N steps. */
    EULER,
    /** EDM's Heun (2nd order): two calls per step except the last step into sigma = 0, so 2N - 1. */
    HEUN;

    /** Number of denoiser calls needed to integrate a grid of {@code steps} steps. */
    public int nfe(int steps) {
        if (steps < 1) {
            throw new ArtException("steps must be >= 1, found " + steps);
        }
        return this == EULER ? steps : 2 * steps - 1;
    }

    /** Largest number of steps whose NFE fits {@code nfeBudget}, or 0 if none does. */
    public int maxSteps(int nfeBudget) {
        if (nfeBudget < 1) {
            return 0;
        }
        return this == EULER ? nfeBudget : (nfeBudget + 1) / 2;
    }

    /** Lower-case name as used in schedule files and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code euler} or {@code heun} (case-insensitive). */
    public static Solver parse(String text) {
        if (text != null) {
            for (Solver s : values()) {
                if (s.id().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new ArtException("unknown solver '" + ArtException.quote(text) + "': expected one of euler, heun");
    }
}
