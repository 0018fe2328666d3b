package dev.artsched.scheduler;

/**
 * Produces the timestep grid for a requested number of steps. Implementations are immutable and thread-safe;
 * they are obtained by name through {@link TimestepSchedulers} (ServiceLoader) or constructed directly.
 */
public interface TimestepScheduler {

    /** The spec this scheduler was created from, for example {@code edm:rho=7}. */
    String name();

    /** The validated grid of {@code steps} steps (N + 1 sigmas ending in 0). */
    Schedule schedule(int steps);

    /**
     * This scheduler for a model with the given sigma range: an option the spec set explicitly wins over the
     * model's range, an option left to its default takes the model's value. The default returns this scheduler
     * unchanged (for grids that carry their own range, or ignore it).
     */
    default TimestepScheduler withModelRange(SigmaRange range) {
        return this;
    }

    /** The grid of {@code steps} steps for a model with the given sigma range. */
    default Schedule schedule(int steps, SigmaRange range) {
        return withModelRange(range).schedule(steps);
    }
}
