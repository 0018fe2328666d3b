package dev.artsched.sampling;

import dev.artsched.scheduler.SigmaRange;

import java.util.OptionalDouble;

/**
 * A batched EDM-style denoiser D(x; sigma): given noisy samples x at noise levels sigma it returns the
 * denoised estimate, same shape as x. Samples are flattened: {@code x} holds {@code batch * sampleSize()}
 * floats, sample b at offset {@code b * sampleSize()}. Implementations document their thread-safety.
 */
public interface Denoiser {

    /** Number of float elements in one sample (the product of the non-batch dimensions). */
    int sampleSize();

    /** Shape of one sample without the batch dimension (for images e.g. {@code [1, 28, 28]}). */
    default long[] sampleShape() {
        return new long[] {sampleSize()};
    }

    /**
     * Writes D(x; sigma) into {@code out}.
     *
     * @param x     {@code batch * sampleSize()} inputs (not modified)
     * @param sigma {@code batch} noise levels, one per sample
     * @param batch number of samples, >= 1
     * @param out   receives {@code batch * sampleSize()} outputs; may not alias {@code x}
     */
    void denoise(float[] x, float[] sigma, int batch, float[] out);

    /** The smallest noise level the model was trained for, if known (ONNX metadata {@code art.sigma_min}). */
    default OptionalDouble sigmaMin() {
        return OptionalDouble.empty();
    }

    /** The largest noise level the model was trained for, if known (ONNX metadata {@code art.sigma_max}). */
    default OptionalDouble sigmaMax() {
        return OptionalDouble.empty();
    }

    /** The sigma range the model declares ({@link #sigmaMin()}, {@link #sigmaMax()}), for the built-in grids. */
    default SigmaRange sigmaRange() {
        return new SigmaRange(sigmaMin(), sigmaMax());
    }

    /** The data standard deviation used in EDM preconditioning, if known ({@code art.sigma_data}). */
    default OptionalDouble sigmaData() {
        return OptionalDouble.empty();
    }
}
