package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Map;

/**
 * The KL-optimal grid (ComfyUI's {@code kl_optimal}, from A1111): sigma = tan(u atan(sigma_min) + (1 - u)
 * atan(sigma_max)). Options: {@code sigma_min} (default 0.002), {@code sigma_max} (default 80).
 */
public final class KlOptimalScheduler extends FormulaScheduler {

    /** Creates the grid family between the given endpoints. */
    public KlOptimalScheduler(double sigmaMin, double sigmaMax) {
        this(sigmaMin, sigmaMax, true, true);
    }

    KlOptimalScheduler(double sigmaMin, double sigmaMax, boolean explicitMin, boolean explicitMax) {
        super(String.format(java.util.Locale.ROOT, "kl_optimal:sigma_min=%s,sigma_max=%s", sigmaMin, sigmaMax),
                sigmaMin, sigmaMax, explicitMin, explicitMax);
    }

    @Override
    FormulaScheduler withRange(double min, double max) {
        return new KlOptimalScheduler(min, max, explicitMin, explicitMax);
    }

    @Override
    double at(double u, double lo) {
        return Math.tan(u * Math.atan(lo) + (1 - u) * Math.atan(sigmaMax));
    }

    /** ServiceLoader provider for {@code kl_optimal}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "kl_optimal";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = options("kl_optimal", options);
            return new KlOptimalScheduler(o.number("sigma_min", 0.002), o.number("sigma_max", 80.0),
                    o.has("sigma_min"), o.has("sigma_max"));
        }
    }
}
