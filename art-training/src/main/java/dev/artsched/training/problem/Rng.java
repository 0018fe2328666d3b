package dev.artsched.training.problem;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a checkpoint can save
 * and restore it exactly. Gaussians use the Box-Muller transform without caching. Not thread-safe.
 */
public final class Rng {
    private long state;

    /** A generator started from {@code seed}. */
    public Rng(long seed) {
        this.state = seed;
    }

    /** The current state (for checkpoints). */
    public long state() {
        return state;
    }

    /** Restores a state obtained from {@link #state()}. */
    public void setState(long newState) {
        this.state = newState;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A standard normal draw. */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble();
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
