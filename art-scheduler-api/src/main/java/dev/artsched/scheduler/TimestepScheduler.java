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
}
