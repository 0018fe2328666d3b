package dev.artsched.sampling.adapters;

/**
 * An epsilon-prediction discrete VP model (DDPM, Stable Diffusion 1.x) as an EDM denoiser:
 * c_in = 1 / sqrt(sigma^2 + 1), timestep = the fractional t whose table sigma matches (log-sigma
 * interpolation), D = x - sigma * eps. With {@code integerTimesteps} the timestep is rounded, for graphs whose
 * timestep input is an integer tensor.
 */
public final class EpsilonPredictionDenoiser extends DiscreteVpDenoiser {

    /**
     * @param model            the epsilon network (input x_vp = x / sqrt(1 + sigma^2), timestep t)
     * @param table            its alphas_cumprod table
     * @param integerTimesteps round timesteps to integers
     */
    public EpsilonPredictionDenoiser(TimestepModel model, DiscreteVpSchedule table, boolean integerTimesteps) {
        super(model, table, integerTimesteps);
    }

    @Override
    double combine(double x, double eps, double sigma) {
        return x - sigma * eps;
    }
}
