package dev.artsched.sampling.adapters;

import java.util.OptionalDouble;

/**
 * A v-prediction discrete VP model (Stable Diffusion 2.x-v style, v = alpha eps - sigma_vp x0) as an EDM
 * denoiser: c_in = 1 / sqrt(sigma^2 + 1), D = x / (sigma^2 + 1) - sigma / sqrt(sigma^2 + 1) * v.
 */
public final class VPredictionDenoiser extends AdaptedDenoiser {
    private final DiscreteVpSchedule table;
    private final boolean integerTimesteps;

    /**
     * @param model            the v network
     * @param table            its alphas_cumprod table
     * @param integerTimesteps round timesteps to integers
     */
    public VPredictionDenoiser(TimestepModel model, DiscreteVpSchedule table, boolean integerTimesteps) {
        super(model);
        this.table = table;
        this.integerTimesteps = integerTimesteps;
    }

    @Override
    double cIn(double sigma) {
        return 1.0 / Math.sqrt(sigma * sigma + 1);
    }

    @Override
    double timestep(double sigma) {
        double t = table.sigmaToT(sigma);
        return integerTimesteps ? Math.rint(t) : t;
    }

    @Override
    double combine(double x, double v, double sigma) {
        double w = sigma * sigma + 1;
        return x / w - sigma / Math.sqrt(w) * v;
    }

    @Override
    public OptionalDouble sigmaMin() {
        return OptionalDouble.of(table.sigmaMin());
    }

    @Override
    public OptionalDouble sigmaMax() {
        return OptionalDouble.of(table.sigmaMax());
    }

    @Override
    public OptionalDouble sigmaData() {
        return OptionalDouble.of(1.0);
    }
}
