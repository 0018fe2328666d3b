package dev.artsched.sampling;

/**
 * The output of one sampling run.
 *
 * @param samples {@code batch * sampleSize()} final states at sigma = 0 (owned by the caller)
 * @param batch   number of samples
 * @param nfe     denoiser evaluations spent (per sample; a batched call counts once)
 */
public record SampleResult(float[] samples, int batch, int nfe) {
}
