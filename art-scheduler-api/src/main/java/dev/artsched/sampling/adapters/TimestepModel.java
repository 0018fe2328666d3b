package dev.artsched.sampling.adapters;

/**
 * A raw network in its own parameterisation: it takes the model-space input and a (possibly fractional)
 * timestep per sample and returns its prediction (epsilon, v or velocity), same shape as the input. Flattened
 * float batches as in {@link dev.artsched.sampling.Denoiser}.
 */
public interface TimestepModel {

    /** Float elements per sample. */
    int sampleSize();

    /** Shape of one sample without the batch dimension (default: flat). */
    default long[] sampleShape() {
        return new long[] {sampleSize()};
    }

    /**
     * Evaluates the network.
     *
     * @param x        {@code batch * sampleSize()} model-space inputs
     * @param timestep {@code batch} timesteps in the model's own convention
     * @param batch    number of samples
     * @param out      receives {@code batch * sampleSize()} predictions
     */
    void predict(float[] x, float[] timestep, int batch, float[] out);
}
