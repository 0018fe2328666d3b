package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ComfyUI's {@code linear_quadratic} grid (from Mochi, a flow model): over the first N // 2 steps t falls linearly
 * from 1 to 1 - 0.025, over the rest quadratically to 0, and sigma = t * sigma_max, in float32 as ComfyUI computes
 * it. Option: {@code sigma_max} (default: the SD 1.x table's float32 sigma_max, as ComfyUI uses the model's); a
 * model's range replaces it unless it was set.
 */
public final class LinearQuadraticScheduler implements TimestepScheduler {
    /** ComfyUI's {@code threshold_noise}: where the linear part ends. */
    static final double THRESHOLD_NOISE = 0.025;

    private static final float SD_SIGMA_MAX = sdSigmaMax();

    private final float sigmaMax;
    private final boolean explicitMax;
    private final String spec;

    /** The grid scaled to {@code sigmaMax} (rounded to float32, as ComfyUI's tensor). */
    public LinearQuadraticScheduler(double sigmaMax) {
        this(sigmaMax, true);
    }

    private LinearQuadraticScheduler(double sigmaMax, boolean explicitMax) {
        if (!(sigmaMax > 0) || !Double.isFinite(sigmaMax) || !((float) sigmaMax > 0)) {
            throw new ArtException("sigma_max must be finite and > 0 (as a float32), found " + sigmaMax);
        }
        this.sigmaMax = (float) sigmaMax;
        this.explicitMax = explicitMax;
        this.spec = String.format(Locale.ROOT, "linear_quadratic:sigma_max=%s", (double) this.sigmaMax);
    }

    private static float sdSigmaMax() {
        double[] table = new DiscreteScheduler(DiscreteScheduler.Kind.SIMPLE, 0.00085, 0.012, 1000, 0.6, 0.6).table();
        return (float) table[table.length - 1];
    }

    @Override
    public String name() {
        return spec;
    }

    /** A model's sigma_max replaces the default one; an explicit {@code sigma_max} wins. */
    @Override
    public TimestepScheduler withModelRange(SigmaRange range) {
        Objects.requireNonNull(range, "range");
        if (explicitMax || range.sigmaMax().isEmpty() || (float) range.sigmaMax().getAsDouble() == sigmaMax) {
            return this;
        }
        return new LinearQuadraticScheduler(range.sigmaMax().getAsDouble(), false);
    }

    @Override
    public Schedule schedule(int steps) {
        Schedule.checkSteps(steps);
        double[] t = new double[steps + 1];
        if (steps == 1) {
            t[0] = 0.0;
            t[1] = 1.0;
        } else {
            // ComfyUI's linear_quadratic_schedule with its defaults, operation for operation in double.
            long linear = steps / 2;
            long quadratic = steps - linear;
            double stepDiff = linear - THRESHOLD_NOISE * steps;
            double quadCoef = stepDiff / (double) (linear * quadratic * quadratic);
            double linCoef = THRESHOLD_NOISE / linear - 2 * stepDiff / (double) (quadratic * quadratic);
            double constant = quadCoef * (double) (linear * linear);
            for (int i = 0; i < steps; i++) {
                long i2 = (long) i * i;
                t[i] = i < linear ? i * THRESHOLD_NOISE / linear : quadCoef * i2 + linCoef * i + constant;
            }
            t[steps] = 1.0;
        }
        double[] s = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            float v = (float) (1.0 - t[i]);
            s[i] = v * sigmaMax;
        }
        try {
            return new Schedule(spec, s, "LinearQuadraticScheduler(sigma_max=" + (double) sigmaMax + ")");
        } catch (ArtException e) {
            throw new ArtException("linear_quadratic at N = " + steps + ": " + e.getMessage(), e);
        }
    }

    /** ServiceLoader provider for {@code linear_quadratic}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "linear_quadratic";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("linear_quadratic", options, Set.of("sigma_max"));
            return new LinearQuadraticScheduler(o.number("sigma_max", SD_SIGMA_MAX), o.has("sigma_max"));
        }
    }
}
