package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The grids of diffusers' {@code EulerDiscreteScheduler} on a discrete VP table ({@code diffusers_discrete}):
 * timesteps placed by its {@code timestep_spacing} ({@code spacing=linspace|leading|trailing}, {@code steps_offset})
 * and read off the table by linear interpolation, or replaced by its {@code use_karras_sigmas},
 * {@code use_exponential_sigmas} or {@code use_beta_sigmas} grids over the spaced range ({@code sigmas=karras|
 * exponential|beta}). The table is diffusers' float32 one ({@code scaled_linear} betas); values are float32.
 */
public final class DiffusersDiscreteScheduler implements TimestepScheduler {

    /** diffusers' {@code timestep_spacing}. */
    public enum Spacing {
        /** N timesteps evenly spaced from T - 1 to 0, interpolated between table entries. */
        LINSPACE,
        /** Integer timesteps k * (T // N) + steps_offset. */
        LEADING,
        /** Integer timesteps round(T - k * T / N) - 1. */
        TRAILING;

        /** The option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Which sigmas replace the spaced table values ({@code use_*_sigmas}). */
    public enum Sigmas {
        /** The table values at the spaced timesteps (no {@code use_*_sigmas}). */
        TABLE,
        /** {@code use_karras_sigmas}: Karras rho = 7 over the spaced range. */
        KARRAS,
        /** {@code use_exponential_sigmas}: log-uniform over the spaced range. */
        EXPONENTIAL,
        /** {@code use_beta_sigmas}: sigma_min + BetaPPF(1 - u; 0.6, 0.6) (sigma_max - sigma_min). */
        BETA;

        /** The option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Spacing spacing;
    private final Sigmas kind;
    private final int stepsOffset;
    private final float[] table;
    private final String spec;

    /**
     * @param spacing     the timestep spacing
     * @param kind        the sigmas that replace the table values
     * @param stepsOffset added to {@link Spacing#LEADING} timesteps (diffusers' {@code steps_offset})
     * @param betaStart   the first beta of the {@code scaled_linear} schedule
     * @param betaEnd     the last beta
     * @param timesteps   the table size T
     */
    public DiffusersDiscreteScheduler(Spacing spacing, Sigmas kind, int stepsOffset, double betaStart, double betaEnd,
                                      int timesteps) {
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw new ArtException("a VP table needs 0 < beta_start < beta_end < 1, found beta_start = " + betaStart
                    + ", beta_end = " + betaEnd);
        }
        if (timesteps < 2 || timesteps > 100_000) {
            throw new ArtException("timesteps must be in [2, 100000], found " + timesteps);
        }
        if (stepsOffset < 0 || stepsOffset >= timesteps) {
            throw new ArtException("steps_offset must be in [0, " + (timesteps - 1) + "], found " + stepsOffset);
        }
        this.spacing = java.util.Objects.requireNonNull(spacing, "spacing");
        this.kind = java.util.Objects.requireNonNull(kind, "sigmas");
        this.stepsOffset = stepsOffset;
        this.table = table(betaStart, betaEnd, timesteps);
        this.spec = String.format(Locale.ROOT, "diffusers_discrete:spacing=%s,steps_offset=%d,sigmas=%s,beta_start=%s,"
                + "beta_end=%s,timesteps=%d", spacing.id(), stepsOffset, kind.id(), betaStart, betaEnd, timesteps);
    }

    /**
     * diffusers' float32 table: betas = torch.linspace(sqrt(beta_start), sqrt(beta_end), T, float32)^2, alpha_bar
     * the cumulative product (accumulated in double, stored as float32), sigma = sqrt((1 - alpha_bar) / alpha_bar).
     * The linspace follows torch's CPU kernel (8-wide vectors, each started with a fused multiply-add), which gives
     * the peer's table bit for bit.
     */
    static float[] table(double betaStart, double betaEnd, int t) {
        float start = (float) Math.sqrt(betaStart);
        float end = (float) Math.sqrt(betaEnd);
        float step = (end - start) / (t - 1);
        int half = t / 2;
        float[] out = new float[t];
        double cumprod = 1.0;
        for (int i0 = 0; i0 < t; i0 += 8) {
            float base = i0 < half ? Math.fma(step, (float) i0, start) : Math.fma(-step, (float) (t - i0 - 1), end);
            for (int i = i0; i < Math.min(i0 + 8, t); i++) {
                float b = base + (i - i0) * step;
                float alpha = 1.0f - b * b;
                cumprod *= alpha;
                float acp = (float) cumprod;
                out[i] = (float) Math.sqrt((1.0f - acp) / acp);
            }
        }
        return out;
    }

    /** The table, smallest sigma first (float32 values). */
    public double[] table() {
        double[] t = new double[table.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = table[i];
        }
        return t;
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public Schedule schedule(int steps) {
        Schedule.checkSteps(steps);
        double[] ts = timesteps(steps);
        double[] in = new double[steps];
        for (int k = 0; k < steps; k++) {
            in[k] = interp(ts[k]);
        }
        double[] sig = switch (kind) {
            case TABLE -> in;
            case KARRAS -> karras(in[steps - 1], in[0], steps);
            case EXPONENTIAL -> exponential(in[steps - 1], in[0], steps);
            case BETA -> beta(in[steps - 1], in[0], steps);
        };
        double[] s = new double[steps + 1];
        for (int k = 0; k < steps; k++) {
            s[k] = (float) sig[k];
        }
        try {
            return new Schedule(spec, s, "DiffusersDiscreteScheduler(" + spacing.id() + ", " + kind.id() + ", T="
                    + table.length + ")");
        } catch (ArtException e) {
            throw new ArtException(spec + " at N = " + steps + ": " + e.getMessage(), e);
        }
    }

    /** The N timesteps, largest first, as float32 values (diffusers' {@code set_timesteps}). */
    private double[] timesteps(int n) {
        int t = table.length;
        double[] ts = new double[n];
        switch (spacing) {
            case LINSPACE -> {
                double[] x = numpyLinspace(0, t - 1, n);
                for (int k = 0; k < n; k++) {
                    ts[k] = (float) x[n - 1 - k];
                }
            }
            case LEADING -> {
                long ratio = t / n;
                for (int k = 0; k < n; k++) {
                    ts[k] = (float) ((n - 1 - k) * ratio + stepsOffset);
                }
            }
            default -> {
                // np.arange(T, 0, -T / N): its length is ceil(T / (T / N)), its values start + i * delta with delta
                // re-derived from the first two values; then rounded half to even, minus 1.
                double ratio = (double) t / n;
                int length = (int) Math.ceil((0.0 - t) / -ratio);
                if (length != n) {
                    throw new ArtException("diffusers_discrete: trailing spacing expected " + n + " timesteps, found "
                            + length + " (numpy's arange(" + t + ", 0, -" + t + " / " + n + ") has " + length
                            + " values; diffusers then runs " + length + " steps)");
                }
                double delta = (t - ratio) - t;
                for (int k = 0; k < n; k++) {
                    double v = k == 0 ? t : k == 1 ? t - ratio : t + k * delta;
                    ts[k] = (float) Math.rint(v) - 1.0f;
                }
            }
        }
        return ts;
    }

    /** numpy's {@code interp(x, arange(T), table)} in double. */
    private double interp(double x) {
        int last = table.length - 1;
        if (x <= 0) {
            return table[0];
        }
        if (x >= last) {
            return table[last];
        }
        int j = (int) Math.floor(x);
        double slope = ((double) table[j + 1] - table[j]) / 1.0;
        return slope * (x - j) + table[j];
    }

    /** numpy's {@code linspace(a, b, n)}: i * step + a, the last value exactly b; {@code [a]} for n = 1. */
    static double[] numpyLinspace(double a, double b, int n) {
        double[] y = new double[n];
        if (n == 1) {
            y[0] = a;
            return y;
        }
        double step = (b - a) / (n - 1);
        for (int i = 0; i < n; i++) {
            y[i] = i * step + a;
        }
        y[n - 1] = b;
        return y;
    }

    private static double[] karras(double min, double max, int n) {
        double[] ramp = numpyLinspace(0, 1, n);
        double minInv = Math.pow(min, 1 / 7.0);
        double maxInv = Math.pow(max, 1 / 7.0);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), 7.0);
        }
        return s;
    }

    private static double[] exponential(double min, double max, int n) {
        double[] x = numpyLinspace(Math.log(max), Math.log(min), n);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = Math.exp(x[i]);
        }
        return s;
    }

    private static double[] beta(double min, double max, int n) {
        double[] u = numpyLinspace(0, 1, n);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = min + BetaDistribution.quantile(1 - u[i], 0.6, 0.6) * (max - min);
        }
        return s;
    }

    /** ServiceLoader provider for {@code diffusers_discrete}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "diffusers_discrete";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("diffusers_discrete", options,
                    Set.of("spacing", "steps_offset", "sigmas", "beta_start", "beta_end", "timesteps"));
            double t = o.number("timesteps", 1000);
            o.require(t == Math.rint(t) && t >= 2 && t <= 100_000, "timesteps", "an integer in [2, 100000]", t);
            double offset = o.number("steps_offset", 1);
            o.require(offset == Math.rint(offset) && offset >= 0 && offset < t, "steps_offset",
                    "an integer in [0, " + (long) (t - 1) + "]", offset);
            return new DiffusersDiscreteScheduler(parse(Spacing.class, o, "spacing", "linspace"),
                    parse(Sigmas.class, o, "sigmas", "table"), (int) offset, o.number("beta_start", 0.00085),
                    o.number("beta_end", 0.012), (int) t);
        }

        private static <E extends Enum<E>> E parse(Class<E> type, SchedulerOptions o, String key, String def) {
            String raw = o.string(key, def).trim();
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(raw)) {
                    return e;
                }
            }
            o.require(false, key, "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT),
                    "'" + ArtException.quote(raw) + "'");
            throw new IllegalStateException("unreachable");
        }
    }
}
