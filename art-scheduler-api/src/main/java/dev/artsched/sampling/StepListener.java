package dev.artsched.sampling;

/** Receives one callback per completed sampler step (progress bars, logging, early inspection). */
@FunctionalInterface
public interface StepListener {

    /** A listener that ignores every step. */
    StepListener NONE = (step, steps, sigma, sigmaNext, nfe) -> { };

    /**
     * Called after step {@code step} (0-based) of {@code steps} moved the state from {@code sigma} to
     * {@code sigmaNext}; {@code nfe} is the number of denoiser calls made so far.
     */
    void onStep(int step, int steps, double sigma, double sigmaNext, int nfe);
}
