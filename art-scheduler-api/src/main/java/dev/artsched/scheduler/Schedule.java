package dev.artsched.scheduler;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable timestep grid: N + 1 noise levels sigma_0 > sigma_1 > ... > sigma_N = 0 (N >= 1 steps), all
 * finite, positive except the final 0. Construction validates the contract and names the offending index and
 * value; arrays are copied in and out.
 *
 * @param name   a short identifier such as {@code edm} or {@code art-rl}
 * @param sigmas the N + 1 noise levels (copied)
 * @param source where the grid came from (a formula, a file, a resource); informational
 */
public record Schedule(String name, double[] sigmas, String source) {

    /** Validates and copies. */
    public Schedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sigmas, "sigmas");
        source = source == null ? "" : source;
        sigmas = sigmas.clone();
        validate(sigmas);
    }

    /** Convenience factory with an empty source. */
    public static Schedule of(String name, double... sigmas) {
        return new Schedule(name, sigmas, "");
    }

    /**
     * Largest number of steps of any grid, shared by the schedulers, the schedule-file writer and its reader, so a
     * grid this library makes can always be written and read back.
     */
    public static final int MAX_STEPS = 100_000;

    /** {@code steps} if it is in [1, {@link #MAX_STEPS}], else an {@link ArtException} naming the bound. */
    public static int checkSteps(int steps) {
        if (steps < 1 || steps > MAX_STEPS) {
            throw new ArtException("the number of steps must be in [1, " + MAX_STEPS + "], found " + steps);
        }
        return steps;
    }

    /**
     * Checks the schedule contract and throws an {@link ArtException} naming the first offending index and
     * value. Usable on raw arrays before a schedule is built (for example when reading files).
     */
    public static void validate(double[] sigmas) {
        if (sigmas.length < 2) {
            throw new ArtException("a schedule needs at least 2 sigmas (N >= 1 steps ending in 0), found "
                    + sigmas.length);
        }
        if (sigmas.length > MAX_STEPS + 1) {
            throw new ArtException("a schedule holds at most " + (MAX_STEPS + 1) + " sigmas (" + MAX_STEPS
                    + " steps), found " + sigmas.length);
        }
        int last = sigmas.length - 1;
        for (int i = 0; i <= last; i++) {
            double s = sigmas[i];
            if (!Double.isFinite(s)) {
                throw new ArtException("sigma[" + i + "] must be finite, found " + s);
            }
            if (i < last && s <= 0) {
                throw new ArtException("sigma[" + i + "] must be > 0 (only the final sigma may be 0), found " + s);
            }
            if (i > 0 && !(s < sigmas[i - 1])) {
                throw new ArtException("sigmas must be strictly decreasing: sigma[" + i + "] = " + s
                        + " is not below sigma[" + (i - 1) + "] = " + sigmas[i - 1]);
            }
        }
        if (sigmas[last] != 0.0) {
            throw new ArtException("the final sigma[" + last + "] must be 0, found " + sigmas[last]);
        }
    }

    /** Number of steps N (the grid has N + 1 sigmas). */
    public int steps() {
        return sigmas.length - 1;
    }

    /** A copy of the N + 1 sigmas. */
    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The i-th sigma, 0 <= i <= N. */
    public double sigma(int i) {
        return sigmas[i];
    }

    /** The first (largest) sigma. */
    public double sigmaMax() {
        return sigmas[0];
    }

    /** The smallest positive sigma, sigma_{N-1}. */
    public double sigmaMinPositive() {
        return sigmas[sigmas.length - 2];
    }

    /** Denoiser evaluations this grid costs with the given solver (Euler N, Heun 2N - 1). */
    public int nfe(Solver solver) {
        return solver.nfe(steps());
    }

    /** The same grid under another name. */
    public Schedule withName(String newName) {
        return new Schedule(newName, sigmas, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule other && name.equals(other.name) && Arrays.equals(sigmas, other.sigmas)
                && source.equals(other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(sigmas), source);
    }

    @Override
    public String toString() {
        return "Schedule[" + name + ", N=" + steps() + ", sigmas=" + Arrays.toString(sigmas) + "]";
    }
}
