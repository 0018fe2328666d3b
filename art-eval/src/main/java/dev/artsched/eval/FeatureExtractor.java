package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;

/**
 * Maps a batch of generated samples (flattened like a {@link dev.artsched.sampling.Denoiser}'s input) to feature
 * vectors, e.g. an Inception-style network for FID. Implementations holding native resources release them in
 * {@link #close()}.
 */
public interface FeatureExtractor extends AutoCloseable {

    /** Floats per input sample, or -1 if any size is accepted. */
    int sampleSize();

    /** Length of one feature vector. */
    int featureSize();

    /**
     * Computes the features of {@code batch} samples.
     *
     * @param samples {@code batch * sampleSize()} floats, sample after sample
     * @param batch   number of samples, >= 1
     * @return {@code batch * featureSize()} floats
     */
    float[] extract(float[] samples, int batch);

    @Override
    default void close() {
    }

    /** The identity map on samples of {@code dim} floats: the Frechet distance of the samples themselves. */
    static FeatureExtractor identity(int dim) {
        if (dim < 1) {
            throw new ArtException("identity features need a dimension >= 1, found " + dim);
        }
        return new FeatureExtractor() {
            @Override
            public int sampleSize() {
                return dim;
            }

            @Override
            public int featureSize() {
                return dim;
            }

            @Override
            public float[] extract(float[] samples, int batch) {
                if (samples.length != batch * dim) {
                    throw new ArtException("expected " + batch + " * " + dim + " sample values, found "
                            + samples.length);
                }
                return samples.clone();
            }
        };
    }
}
