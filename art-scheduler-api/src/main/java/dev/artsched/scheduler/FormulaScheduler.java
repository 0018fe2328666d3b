package dev.artsched.scheduler;

import java.util.Map;

/**
 * Base of the closed-form grids. Endpoint convention: with sigma_min > 0 the formula gives N points from
 * sigma_max down to sigma_min and 0 is appended (EDM's code); with sigma_min = 0 it gives N + 1 points ending at 0
 * (the ART paper's convention).
 */
abstract class FormulaScheduler implements TimestepScheduler {
    protected final double sigmaMin;
    protected final double sigmaMax;
    /** Whether sigma_min / sigma_max were set explicitly (so a model's range does not replace them). */
    final boolean explicitMin;
    final boolean explicitMax;
    private final String spec;

    FormulaScheduler(String spec, double sigmaMin, double sigmaMax) {
        this(spec, sigmaMin, sigmaMax, true, true);
    }

    FormulaScheduler(String spec, double sigmaMin, double sigmaMax, boolean explicitMin, boolean explicitMax) {
        if (!(sigmaMin >= 0) || !Double.isFinite(sigmaMin)) {
            throw new ArtException("sigma_min must be finite and >= 0, found " + sigmaMin);
        }
        if (!(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("sigma_max must be finite and > sigma_min = " + sigmaMin + ", found " + sigmaMax);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.spec = spec;
        this.explicitMin = explicitMin;
        this.explicitMax = explicitMax;
    }

    /** The same family with another range, keeping which ends were explicit. */
    abstract FormulaScheduler withRange(double min, double max);

    /** Fills the ends the spec left to their defaults with the model's; explicit options win. */
    @Override
    public TimestepScheduler withModelRange(SigmaRange range) {
        java.util.Objects.requireNonNull(range, "range");
        double min = !explicitMin && range.sigmaMin().isPresent() ? range.sigmaMin().getAsDouble() : sigmaMin;
        double max = !explicitMax && range.sigmaMax().isPresent() ? range.sigmaMax().getAsDouble() : sigmaMax;
        if (Double.compare(min, sigmaMin) == 0 && Double.compare(max, sigmaMax) == 0) {
            return this;
        }
        return withRange(min, max);
    }

    static SchedulerOptions options(String name, Map<String, String> options, String... extra) {
        java.util.Set<String> allowed = new java.util.HashSet<>(java.util.List.of("sigma_min", "sigma_max"));
        allowed.addAll(java.util.List.of(extra));
        return new SchedulerOptions(name, options, allowed);
    }

    @Override
    public String name() {
        return spec;
    }

    /** The formula's value at fraction u in [0, 1] from sigma_max (u = 0) to the last point (u = 1). */
    abstract double at(double u, double lo);

    @Override
    public Schedule schedule(int steps) {
        Schedule.checkSteps(steps);
        double[] s = new double[steps + 1];
        if (sigmaMin == 0.0) {
            for (int i = 0; i <= steps; i++) {
                s[i] = i == steps ? 0.0 : at((double) i / steps, 0.0);
            }
        } else {
            for (int i = 0; i < steps; i++) {
                s[i] = steps == 1 ? sigmaMax : at((double) i / (steps - 1), sigmaMin);
            }
            s[steps - 1] = steps == 1 ? sigmaMax : sigmaMin;
            s[steps] = 0.0;
        }
        s[0] = sigmaMax;
        return new Schedule(spec, s, getClass().getSimpleName() + "(sigma_min=" + sigmaMin + ", sigma_max="
                + sigmaMax + ")");
    }
}
