package dev.artsched.eval;

import java.util.SplittableRandom;

/**
 * Initial noise with one seed per sample: sample i of a run with seed S always starts from the same noise,
 * whatever the batch size or the number of samples, so runs are reproducible and comparable across schedules.
 */
public final class SeededNoise {
    private SeededNoise() {
    }

    /**
     * Standard normal noise times {@code scale} for samples {@code first .. first + count - 1}.
     *
     * @param size  floats per sample
     * @param seed  the run's seed
     * @param first index of the first sample
     * @param count number of samples
     * @param scale multiplier (sigma_0)
     */
    public static float[] of(int size, long seed, int first, int count, double scale) {
        float[] x = new float[size * count];
        for (int b = 0; b < count; b++) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + b);
            for (int j = 0; j < size; j++) {
                x[b * size + j] = (float) (scale * rng.nextGaussian());
            }
        }
        return x;
    }
}
