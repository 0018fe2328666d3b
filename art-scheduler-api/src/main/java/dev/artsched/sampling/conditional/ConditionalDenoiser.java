package dev.artsched.sampling.conditional;

import dev.artsched.scheduler.SigmaRange;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A batched EDM denoiser D(x; sigma, c) with conditioning inputs beyond the state and the noise level (text
 * embeddings, class labels, ...). Sample b of a call uses row {@code rows[b]} of a conditioning table already
 * bound to the model ({@link Conditioning#bind} with {@link #conditioningInputs()}: its arrays are in the declared
 * order and types). Hosts usually wrap one in {@link ConditionedDenoiser} or {@link GuidedDenoiser}, which are
 * plain {@link dev.artsched.sampling.Denoiser}s. Implementations document their thread-safety.
 */
public interface ConditionalDenoiser {

    /** Number of float elements in one sample. */
    int sampleSize();

    /** Shape of one sample without the batch dimension. */
    default long[] sampleShape() {
        return new long[] {sampleSize()};
    }

    /** The conditioning inputs the model declares, in the order a bound table holds them. */
    List<CondSpec> conditioningInputs();

    /** Names the model in messages (its file, or its analytic name). */
    String label();

    /**
     * Writes D(x; sigma, c) into {@code out}.
     *
     * @param x     {@code batch * sampleSize()} inputs
     * @param sigma {@code batch} noise levels
     * @param table a conditioning table bound to this model
     * @param rows  {@code batch} row indices into {@code table}
     * @param batch number of samples, >= 1
     * @param out   receives {@code batch * sampleSize()} outputs
     */
    void denoise(float[] x, float[] sigma, Conditioning table, int[] rows, int batch, float[] out);

    /** The smallest trained noise level, if known. */
    default OptionalDouble sigmaMin() {
        return OptionalDouble.empty();
    }

    /** The largest trained noise level, if known. */
    default OptionalDouble sigmaMax() {
        return OptionalDouble.empty();
    }

    /** The data standard deviation, if known. */
    default OptionalDouble sigmaData() {
        return OptionalDouble.empty();
    }

    /** The declared sigma range. */
    default SigmaRange sigmaRange() {
        return new SigmaRange(sigmaMin(), sigmaMax());
    }
}
