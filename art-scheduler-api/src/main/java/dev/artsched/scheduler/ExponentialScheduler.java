package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Map;

/**
 * Log-uniform sigmas from sigma_max to sigma_min, then 0. Options: {@code sigma_min} (default 0.002, must be
 * > 0), {@code sigma_max} (default 80).
 */
public final class ExponentialScheduler extends FormulaScheduler {

    /** Creates the grid family; sigma_min must be positive. */
    public ExponentialScheduler(double sigmaMin, double sigmaMax) {
        this(sigmaMin, sigmaMax, true, true);
    }

    ExponentialScheduler(double sigmaMin, double sigmaMax, boolean explicitMin, boolean explicitMax) {
        super(String.format(java.util.Locale.ROOT, "exponential:sigma_min=%s,sigma_max=%s", sigmaMin, sigmaMax),
                sigmaMin, sigmaMax, explicitMin, explicitMax);
        if (!(sigmaMin > 0)) {
            throw new ArtException("the exponential grid needs sigma_min > 0 (log-uniform), found " + sigmaMin);
        }
    }

    @Override
    FormulaScheduler withRange(double min, double max) {
        return new ExponentialScheduler(min, max, explicitMin, explicitMax);
    }

    @Override
    double at(double u, double lo) {
        return Math.exp(Math.log(sigmaMax) + u * (Math.log(lo) - Math.log(sigmaMax)));
    }

    /** ServiceLoader provider for {@code exponential}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "exponential";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = options("exponential", options);
            return new ExponentialScheduler(o.number("sigma_min", 0.002), o.number("sigma_max", 80.0),
                    o.has("sigma_min"), o.has("sigma_max"));
        }
    }
}
