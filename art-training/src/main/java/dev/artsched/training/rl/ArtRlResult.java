package dev.artsched.training.rl;

import java.util.Map;

/**
 * The outcome of an ART-RL run: the distilled K-step grid and its provenance.
 *
 * @param sigmas       K + 1 sigmas from T to 0
 * @param finalGamma   gamma at the end
 * @param gamma0       gamma at the start
 * @param iterations   iterations completed
 * @param kept         distilled trajectories used
 * @param dropped      distilled trajectories dropped by the [T/2, 2T] filter
 * @param calls        model calls (including the gamma_0 rollouts)
 * @param wallSeconds  training wall time (summed over resumed sessions)
 * @param resumedFrom  iteration the run resumed from, 0 for a fresh run
 * @param training     provenance map for the schedule file
 * @param convergence  the convergence diagnostics, with the closed-form grid they compare against
 */
public record ArtRlResult(double[] sigmas, double finalGamma, double gamma0, int iterations, int kept, int dropped,
                          long calls, double wallSeconds, int resumedFrom, Map<String, Object> training,
                          Convergence convergence) {

    /** Copies. */
    public ArtRlResult {
        sigmas = sigmas.clone();
        training = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(training));
    }

    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }
}
