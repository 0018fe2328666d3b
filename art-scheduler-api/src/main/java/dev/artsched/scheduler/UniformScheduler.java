package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Map;

/**
 * Equally spaced sigmas. Options: {@code sigma_max} (default 80, or the model's), {@code sigma_min} (default 0, the
 * paper's Uniform grid s_k = T (1 - k/N), whatever the model's sigma_min: a last Heun step from a tiny sigma_min
 * after equal steps blows up).
 */
public final class UniformScheduler extends FormulaScheduler {

    /** Creates the grid family between the given endpoints. */
    public UniformScheduler(double sigmaMin, double sigmaMax) {
        this(sigmaMin, sigmaMax, true, true);
    }

    UniformScheduler(double sigmaMin, double sigmaMax, boolean explicitMin, boolean explicitMax) {
        super(String.format(java.util.Locale.ROOT, "uniform:sigma_min=%s,sigma_max=%s", sigmaMin, sigmaMax),
                sigmaMin, sigmaMax, explicitMin, explicitMax);
    }

    @Override
    FormulaScheduler withRange(double min, double max) {
        return new UniformScheduler(min, max, explicitMin, explicitMax);
    }

    /** Takes the model's sigma_max only: the paper's Uniform ends at 0 unless the spec names a sigma_min. */
    @Override
    public TimestepScheduler withModelRange(SigmaRange range) {
        java.util.Objects.requireNonNull(range, "range");
        return super.withModelRange(new SigmaRange(java.util.OptionalDouble.empty(), range.sigmaMax()));
    }

    @Override
    double at(double u, double lo) {
        return sigmaMax + u * (lo - sigmaMax);
    }

    /** ServiceLoader provider for {@code uniform}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "uniform";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = options("uniform", options);
            return new UniformScheduler(o.number("sigma_min", 0.0), o.number("sigma_max", 80.0),
                    o.has("sigma_min"), o.has("sigma_max"));
        }
    }
}
