package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/**
 * Integrates the probability-flow ODE dx/dsigma = (x - D(x; sigma)) / sigma backwards along any
 * {@link Schedule}. Samplers are stateless and thread-safe: all work buffers belong to one call, and a step
 * allocates nothing. A non-finite denoiser output stops sampling with an {@link ArtException} naming the
 * step and sigma.
 */
public interface Sampler {

    /** The solver this sampler implements (fixes its NFE). */
    Solver solver();

    /**
     * Runs the sampler.
     *
     * @param denoiser the model
     * @param schedule the grid, sigma_0 first
     * @param x0       initial states at sigma_0 ({@code batch * sampleSize()}, e.g. sigma_0 * N(0, I)); not
     *                 modified
     * @param batch    number of samples
     * @param listener per-step callback
     * @return the samples at sigma = 0 and the NFE spent
     */
    SampleResult sample(Denoiser denoiser, Schedule schedule, float[] x0, int batch, StepListener listener);

    /** Same as {@link #sample(Denoiser, Schedule, float[], int, StepListener)} without a listener. */
    default SampleResult sample(Denoiser denoiser, Schedule schedule, float[] x0, int batch) {
        return sample(denoiser, schedule, x0, batch, StepListener.NONE);
    }
}
