package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Map;

/**
 * k-diffusion's polyexponential grid: log sigma = log sigma_min + (1 - u)^rho (log sigma_max - log sigma_min).
 * Options: {@code rho} (default 1, the exponential grid), {@code sigma_min} (default 0.002, must be > 0),
 * {@code sigma_max} (default 80).
 */
public final class PolyexponentialScheduler extends FormulaScheduler {
    private final double rho;

    /** Creates the grid family; sigma_min > 0, rho > 0. */
    public PolyexponentialScheduler(double sigmaMin, double sigmaMax, double rho) {
        this(sigmaMin, sigmaMax, rho, true, true);
    }

    PolyexponentialScheduler(double sigmaMin, double sigmaMax, double rho, boolean explicitMin, boolean explicitMax) {
        super(String.format(java.util.Locale.ROOT, "polyexponential:rho=%s,sigma_min=%s,sigma_max=%s", rho, sigmaMin,
                sigmaMax), sigmaMin, sigmaMax, explicitMin, explicitMax);
        if (!(sigmaMin > 0)) {
            throw new ArtException("the polyexponential grid needs sigma_min > 0 (log scale), found " + sigmaMin);
        }
        if (!(rho > 0) || !Double.isFinite(rho)) {
            throw new ArtException("rho must be finite and > 0, found " + rho);
        }
        this.rho = rho;
    }

    @Override
    FormulaScheduler withRange(double min, double max) {
        return new PolyexponentialScheduler(min, max, rho, explicitMin, explicitMax);
    }

    @Override
    double at(double u, double lo) {
        return Math.exp(Math.pow(1 - u, rho) * (Math.log(sigmaMax) - Math.log(lo)) + Math.log(lo));
    }

    /** ServiceLoader provider for {@code polyexponential}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "polyexponential";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = options("polyexponential", options, "rho");
            return new PolyexponentialScheduler(o.number("sigma_min", 0.002), o.number("sigma_max", 80.0),
                    o.number("rho", 1.0), o.has("sigma_min"), o.has("sigma_max"));
        }
    }
}
