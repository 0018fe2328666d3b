package dev.artsched.eval;

import dev.artsched.sampling.Samplers;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.Sampler;
import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

import java.util.function.LongConsumer;

/**
 * Draws samples from a denoiser on one grid, in batches, with one seed per sample (run seed + index), so the same
 * call always draws the same samples whatever the batch size.
 */
public final class ImageSampling {
    private ImageSampling() {
    }

    /**
     * Samples {@code count} samples.
     *
     * @param progress receives the number of denoiser evaluations done so far (of {@code count * grid.nfe(solver)})
     * @return {@code count * denoiser.sampleSize()} floats, sample i at offset {@code i * sampleSize}
     */
    public static float[] sample(Denoiser d, Schedule grid, Solver solver, int count, int batch, long seed,
                                 LongConsumer progress) {
        if (count < 1 || batch < 1) {
            throw new ArtException("sampling needs at least one sample and a batch of at least one, found "
                    + count + " samples in batches of " + batch);
        }
        LongConsumer p = progress == null ? done -> { } : progress;
        int size = d.sampleSize();
        float[] all = new float[Math.multiplyExact(count, size)];
        Sampler sampler = Samplers.of(solver);
        for (int first = 0; first < count; first += batch) {
            int n = Math.min(batch, count - first);
            float[] x0 = SeededNoise.of(size, seed, first, n, grid.sigmaMax());
            int done = first;
            StepListener l = (step, steps, sigma, next, nfe) -> p.accept((long) done * grid.nfe(solver) + (long) n * nfe);
            float[] x = sampler.sample(d, grid, x0, n, l).samples();
            System.arraycopy(x, 0, all, first * size, n * size);
        }
        return all;
    }
}
