package dev.artsched.sampling.adapters;

import dev.artsched.scheduler.ArtException;

import java.util.OptionalDouble;

/**
 * A flow-matching (rectified-flow) velocity model, x_t = (1 - t) x0 + t eps with v = eps - x0, as an EDM
 * denoiser: sigma = t / (1 - t), so t = sigma / (1 + sigma), the model input is x_t = x / (1 + sigma), the model
 * timestep is {@code t * timestepScale} (1 for t in [0, 1], 1000 for SD3-style graphs), and
 * D = x_t - t v.
 */
public final class FlowMatchingDenoiser extends AdaptedDenoiser {
    private final double timestepScale;
    private final double sigmaMin;
    private final double sigmaMax;

    /**
     * @param model         the velocity network
     * @param timestepScale multiplier from t in [0, 1] to the model's timestep input
     * @param sigmaMin      smallest sigma to report as the model's range (e.g. 0.002)
     * @param sigmaMax      largest sigma to report (t close to 1; e.g. 80 for t = 0.9877)
     */
    public FlowMatchingDenoiser(TimestepModel model, double timestepScale, double sigmaMin, double sigmaMax) {
        super(model);
        if (!(timestepScale > 0) || !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("expected timestepScale > 0 and 0 < sigmaMin < sigmaMax < inf, found "
                    + timestepScale + ", " + sigmaMin + ", " + sigmaMax);
        }
        this.timestepScale = timestepScale;
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
    }

    @Override
    double cIn(double sigma) {
        return 1.0 / (1 + sigma);
    }

    @Override
    double timestep(double sigma) {
        return sigma / (1 + sigma) * timestepScale;
    }

    @Override
    double combine(double x, double v, double sigma) {
        return (x - sigma * v) / (1 + sigma);
    }

    @Override
    public OptionalDouble sigmaMin() {
        return OptionalDouble.of(sigmaMin);
    }

    @Override
    public OptionalDouble sigmaMax() {
        return OptionalDouble.of(sigmaMax);
    }

    @Override
    public OptionalDouble sigmaData() {
        return OptionalDouble.of(1.0);
    }
}
