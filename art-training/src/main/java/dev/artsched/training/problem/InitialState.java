package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;

/**
 * The distribution of the ODE's starting state at sigma_0 = T, part of the problem definition: the general case
 * is T * N(0, I) (the sampler's initial noise); the 1-D benchmark uses its exact marginal N(0, 1 + T^2).
 */
public interface InitialState {

    /** Fills {@code out} ({@code batch * dim} values) with independent draws. */
    void sample(Rng rng, int batch, double[] out);

    /** Short description for provenance, e.g. {@code normal(std=3.1623)}. */
    String describe();

    /** Isotropic N(0, std^2 I): every element an independent normal with the given standard deviation. */
    static InitialState normal(double std) {
        if (!(std > 0) || !Double.isFinite(std)) {
            throw new ArtException("initial-state standard deviation must be finite and > 0, found " + std);
        }
        return new InitialState() {
            @Override
            public void sample(Rng rng, int batch, double[] out) {
                for (int j = 0; j < out.length; j++) {
                    out[j] = std * rng.nextGaussian();
                }
            }

            @Override
            public String describe() {
                return "normal(std=" + std + ")";
            }
        };
    }
}
