package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The continuous VP grid of k-diffusion ({@code get_sigmas_vp}): sigma(t) = sqrt(exp(beta_d t^2 / 2 + beta_min t)
 * - 1) at N points t from 1 to eps_s, then 0. Options: {@code beta_d} (19.9), {@code beta_min} (0.1),
 * {@code eps_s} (0.001). Its range comes from these options, so a model's range does not change it.
 */
public final class VpScheduler implements TimestepScheduler {
    private final double betaD;
    private final double betaMin;
    private final double epsS;
    private final String spec;

    /** Creates the grid; beta_d > 0, beta_min >= 0, 0 < eps_s < 1. */
    public VpScheduler(double betaD, double betaMin, double epsS) {
        if (!(betaD > 0) || !(betaMin >= 0) || !(epsS > 0 && epsS < 1)) {
            throw new ArtException("vp needs beta_d > 0, beta_min >= 0 and 0 < eps_s < 1, found beta_d = " + betaD
                    + ", beta_min = " + betaMin + ", eps_s = " + epsS);
        }
        this.betaD = betaD;
        this.betaMin = betaMin;
        this.epsS = epsS;
        this.spec = String.format(Locale.ROOT, "vp:beta_d=%s,beta_min=%s,eps_s=%s", betaD, betaMin, epsS);
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public Schedule schedule(int steps) {
        Schedule.checkSteps(steps);
        double[] s = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = steps == 1 ? 1.0 : 1.0 + (epsS - 1.0) * i / (steps - 1);
            s[i] = Math.sqrt(Math.expm1(betaD * t * t / 2 + betaMin * t));
        }
        return new Schedule(spec, s, "VpScheduler(beta_d=" + betaD + ", beta_min=" + betaMin + ", eps_s=" + epsS + ")");
    }

    /** ServiceLoader provider for {@code vp}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "vp";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("vp", options, Set.of("beta_d", "beta_min", "eps_s"));
            return new VpScheduler(o.number("beta_d", 19.9), o.number("beta_min", 0.1), o.number("eps_s", 1e-3));
        }
    }
}
