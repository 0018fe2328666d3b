package dev.artsched.examples.polyexp;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.SchedulerOptions;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A third-party scheduler plugin: k-diffusion's polyexponential grid, log sigma = log sigma_min + r^rho
 * (log sigma_max - log sigma_min) with r running from 1 to 0, then 0 appended. Options {@code rho} (default 1,
 * the exponential grid), {@code sigma_min} (0.002), {@code sigma_max} (80). Dropping this jar on a host's
 * classpath or module path makes {@code polyexp-plugin} selectable by name with no code change (named apart from
 * the built-in {@code polyexponential}, since a registry keeps the first provider of a name).
 */
public final class PolyexponentialProvider implements TimestepSchedulerProvider {

    @Override
    public String name() {
        return "polyexp-plugin";
    }

    @Override
    public TimestepScheduler create(Map<String, String> options) {
        SchedulerOptions o = new SchedulerOptions(name(), options, Set.of("rho", "sigma_min", "sigma_max"));
        double rho = o.number("rho", 1.0);
        double min = o.number("sigma_min", 0.002);
        double max = o.number("sigma_max", 80.0);
        o.require(rho > 0, "rho", "> 0", rho);
        o.require(min > 0, "sigma_min", "> 0", min);
        o.require(max > min, "sigma_max", "> sigma_min", max);
        String spec = String.format(Locale.ROOT, "polyexp-plugin:rho=%s,sigma_min=%s,sigma_max=%s", rho, min, max);
        return new TimestepScheduler() {
            @Override
            public String name() {
                return spec;
            }

            @Override
            public Schedule schedule(int steps) {
                if (steps < 1) {
                    throw new ArtException("the number of steps must be >= 1, found " + steps);
                }
                double[] s = new double[steps + 1];
                for (int i = 0; i < steps; i++) {
                    double r = steps == 1 ? 1.0 : 1.0 - (double) i / (steps - 1);
                    s[i] = Math.exp(Math.log(min) + Math.pow(r, rho) * (Math.log(max) - Math.log(min)));
                }
                s[0] = max;
                if (steps > 1) {
                    s[steps - 1] = min;
                }
                return new Schedule(spec, s, "third-party plugin " + PolyexponentialProvider.class.getName());
            }
        };
    }
}
