package dev.artsched.sampling.adapters;

/**
 * A v-prediction discrete VP model (Stable Diffusion 2.x-v style, v = alpha eps - sigma_vp x0) as an EDM
 * denoiser: c_in = 1 / sqrt(sigma^2 + 1), D = x / (sigma^2 + 1) - sigma / sqrt(sigma^2 + 1) * v.
 */
public final class VPredictionDenoiser extends DiscreteVpDenoiser {

    /**
     * @param model            the v network
     * @param table            its alphas_cumprod table
     * @param integerTimesteps round timesteps to integers
     */
    public VPredictionDenoiser(TimestepModel model, DiscreteVpSchedule table, boolean integerTimesteps) {
        super(model, table, integerTimesteps);
    }

    @Override
    double combine(double x, double v, double sigma) {
        double w = sigma * sigma + 1;
        return x / w - sigma / Math.sqrt(w) * v;
    }
}
