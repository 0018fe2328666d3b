package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.adaptive.AdaptiveScheduler;

/**
 * The reference sampler for an {@link AdaptiveScheduler}: Euler or Heun (the scheduler's solver) where every sample
 * follows its own noise levels, asking the scheduler for each next sigma from its current state, until every sample
 * is at sigma = 0. Reports the NFE of each sample. Stateless and thread-safe.
 */
public final class AdaptiveSampler {
    private AdaptiveSampler() {
    }

    /**
     * Runs the sampler.
     *
     * @param denoiser  the model
     * @param scheduler the adaptive scheduler (policy, solver, budget)
     * @param x0        {@code batch * sampleSize} initial states at {@link AdaptiveScheduler#firstSigma()}
     * @param batch     number of samples
     * @return the samples at sigma = 0 and the NFE of each
     */
    public static AdaptiveResult sample(Denoiser denoiser, AdaptiveScheduler scheduler, float[] x0, int batch) {
        if (scheduler == null) {
            throw new ArtException("the adaptive sampler needs a scheduler");
        }
        AdaptiveEpisode ep = new AdaptiveEpisode(denoiser, scheduler.rule(), x0, batch);
        int guard = scheduler.rule().budgetNfe() + 1;
        for (int[] idx = ep.active(); idx.length > 0; idx = ep.active()) {
            if (guard-- < 0) {
                throw new IllegalStateException("adaptive sampling did not terminate within the budget");
            }
            double[] sig = new double[idx.length];
            int[] k = new int[idx.length];
            int[] used = new int[idx.length];
            for (int j = 0; j < idx.length; j++) {
                sig[j] = ep.sigma(idx[j]);
                k[j] = ep.steps(idx[j]);
                used[j] = ep.nfe(idx[j]);
            }
            double[] next = new double[idx.length];
            scheduler.next(ep.gather(idx), sig, k, used, idx.length, next);
            ep.step(idx, next);
        }
        int[] steps = new int[batch];
        for (int i = 0; i < batch; i++) {
            steps[i] = ep.steps(i);
        }
        return new AdaptiveResult(ep.samples(), batch, ep.nfe(), steps);
    }
}
