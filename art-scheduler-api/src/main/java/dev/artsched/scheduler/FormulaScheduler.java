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
    private final String spec;

    FormulaScheduler(String spec, double sigmaMin, double sigmaMax) {
        if (!(sigmaMin >= 0) || !Double.isFinite(sigmaMin)) {
            throw new ArtException("sigma_min must be finite and >= 0, found " + sigmaMin);
        }
        if (!(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("sigma_max must be finite and > sigma_min = " + sigmaMin + ", found " + sigmaMax);
        }
        this.sigmaMin = sigmaMin;
        this.sigmaMax = sigmaMax;
        this.spec = spec;
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
        if (steps < 1) {
            throw new ArtException("the number of steps must be >= 1, found " + steps);
        }
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
