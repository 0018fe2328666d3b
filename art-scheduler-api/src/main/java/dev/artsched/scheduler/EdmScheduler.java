package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Map;

/**
 * Karras et al. (EDM) grid: sigma_i = (sigma_max^(1/rho) + u_i (sigma_min^(1/rho) - sigma_max^(1/rho)))^rho.
 * Options: {@code rho} (default 7), {@code sigma_min} (default 0.002), {@code sigma_max} (default 80). With
 * sigma_min = 0 this is the paper's 1-D EDM grid s_k = T (1 - k/N)^rho.
 */
public final class EdmScheduler extends FormulaScheduler {
    /** Largest rho: beyond it sigma^(1/rho) rounds to 1 in double precision and the grid degenerates. */
    public static final double MAX_RHO = 1000;
    private final double rho;

    /** Creates the grid family; rho > 0. */
    public EdmScheduler(double sigmaMin, double sigmaMax, double rho) {
        this(sigmaMin, sigmaMax, rho, true, true);
    }

    EdmScheduler(double sigmaMin, double sigmaMax, double rho, boolean explicitMin, boolean explicitMax) {
        super(String.format(java.util.Locale.ROOT, "edm:rho=%s,sigma_min=%s,sigma_max=%s", rho, sigmaMin,
                sigmaMax), sigmaMin, sigmaMax, explicitMin, explicitMax);
        if (!(rho > 0) || !(rho <= MAX_RHO)) {
            throw new ArtException("rho must be in (0, " + MAX_RHO + "], found " + rho);
        }
        this.rho = rho;
    }

    /** The exponent rho. */
    public double rho() {
        return rho;
    }

    @Override
    FormulaScheduler withRange(double min, double max) {
        return new EdmScheduler(min, max, rho, explicitMin, explicitMax);
    }

    @Override
    double at(double u, double lo) {
        double a = Math.pow(sigmaMax, 1.0 / rho);
        double b = Math.pow(lo, 1.0 / rho);
        return Math.pow(a + u * (b - a), rho);
    }

    /** ServiceLoader provider for {@code edm}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "edm";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = options("edm", options, "rho");
            return new EdmScheduler(o.number("sigma_min", 0.002), o.number("sigma_max", 80.0),
                    o.number("rho", 7.0), o.has("sigma_min"), o.has("sigma_max"));
        }
    }
}
