package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Grids read off a discrete VP model's table of T noise levels, as ComfyUI's scheduler handlers do (its
 * {@code ModelSamplingDiscrete}: betas = linspace(sqrt(beta_start), sqrt(beta_end), T)^2, sigma_t = sqrt((1 -
 * alpha_bar_t) / alpha_bar_t), stored as float32). Kinds: {@code simple}, {@code sgm_uniform}, {@code normal},
 * {@code beta} and {@code ddim_uniform}. Options: {@code beta_start} (0.00085), {@code beta_end} (0.012), {@code timesteps} (1000) —
 * the Stable Diffusion 1.x/2.x table — and for {@code beta} its {@code alpha} and {@code beta} (0.6). The grid
 * carries the table's own range, so a model's range does not change it. Values are float32, as ComfyUI's.
 */
public final class DiscreteScheduler implements TimestepScheduler {

    /** How the steps are placed on the table. */
    public enum Kind {
        /** Every T/N-th table entry from the top (ComfyUI {@code simple}). */
        SIMPLE("simple"),
        /** N timesteps evenly spaced from T - 1 towards 0, the endpoint left out ({@code sgm_uniform}). */
        SGM_UNIFORM("sgm_uniform"),
        /** N timesteps evenly spaced from T - 1 to 0 ({@code normal}). */
        NORMAL("normal"),
        /** Timesteps at the Beta(alpha, beta) quantiles (ComfyUI {@code beta}). */
        BETA("beta"),
        /** Table entries 1, 1 + s, 1 + 2s, ... with stride s = T // N, from the top (ComfyUI {@code ddim_uniform}). */
        DDIM_UNIFORM("ddim_uniform");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The scheduler name. */
        public String id() {
            return id;
        }
    }

    private final Kind kind;
    private final String spec;
    private final float[] sigmas;
    private final float[] logSigmas;
    private final double alpha;
    private final double beta;

    /**
     * @param kind      the placement rule
     * @param betaStart the first beta of the training schedule
     * @param betaEnd   the last beta
     * @param timesteps the table size T >= 2
     * @param alpha     Beta distribution alpha (kind {@code beta})
     * @param beta      Beta distribution beta (kind {@code beta})
     */
    public DiscreteScheduler(Kind kind, double betaStart, double betaEnd, int timesteps, double alpha, double beta) {
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1)) {
            throw new ArtException("a VP table needs 0 < beta_start < beta_end < 1, found beta_start = " + betaStart
                    + ", beta_end = " + betaEnd);
        }
        if (timesteps < 2 || timesteps > 100_000) {
            throw new ArtException("timesteps must be in [2, 100000], found " + timesteps);
        }
        if (!(alpha > 0) || !(beta > 0) || !Double.isFinite(alpha) || !Double.isFinite(beta)) {
            throw new ArtException("alpha and beta must be finite and > 0, found " + alpha + " and " + beta);
        }
        this.kind = kind;
        this.alpha = alpha;
        this.beta = beta;
        StringBuilder sb = new StringBuilder(kind.id()).append(':');
        if (kind == Kind.BETA) {
            sb.append(String.format(Locale.ROOT, "alpha=%s,beta=%s,", alpha, beta));
        }
        sb.append(String.format(Locale.ROOT, "beta_start=%s,beta_end=%s,timesteps=%d", betaStart, betaEnd, timesteps));
        this.spec = sb.toString();
        double[] sq = torchLinspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), timesteps);
        this.sigmas = new float[timesteps];
        this.logSigmas = new float[timesteps];
        double cumprod = 1.0;
        for (int i = 0; i < timesteps; i++) {
            cumprod *= 1.0 - sq[i] * sq[i];
            double s = Math.sqrt((1 - cumprod) / cumprod);
            sigmas[i] = (float) s;
            logSigmas[i] = (float) Math.log(s);
        }
    }

    /** torch.linspace in double: the first half counts up from start, the second half down from end. */
    static double[] torchLinspace(double start, double end, int n) {
        double[] x = new double[n];
        double step = (end - start) / (n - 1);
        int half = n / 2;
        for (int i = 0; i < n; i++) {
            x[i] = i < half ? start + step * i : end - step * (n - i - 1);
        }
        return x;
    }

    /** The model's table of noise levels, smallest first (float32 values). */
    public double[] table() {
        double[] t = new double[sigmas.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = sigmas[i];
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
        int t = sigmas.length;
        double[] s = new double[steps + 1];
        switch (kind) {
            case SIMPLE -> {
                double ss = (double) t / steps;
                for (int x = 0; x < steps; x++) {
                    s[x] = sigmas[t - 1 - (int) (x * ss)];
                }
            }
            case SGM_UNIFORM, NORMAL -> {
                int count = kind == Kind.SGM_UNIFORM ? steps + 1 : steps;
                float start = t - 1;
                float step = count == 1 ? 0f : (0f - start) / (count - 1);
                int half = count / 2;
                for (int i = 0; i < steps; i++) {
                    float ts = i < half ? start + step * i : 0f - step * (count - i - 1);
                    s[i] = sigmaAt(ts);
                }
            }
            case DDIM_UNIFORM -> ddimUniform(steps, s);
            default -> {
                int total = t - 1;
                double last = -1;
                int k = 0;
                double[] picked = new double[steps];
                for (int i = 0; i < steps; i++) {
                    double q = 1 - i * (1.0 / steps);
                    double ts = Math.rint(BetaDistribution.quantile(q, alpha, beta) * total);
                    if (ts != last) {
                        picked[k++] = sigmas[(int) ts];
                    }
                    last = ts;
                }
                if (k != steps) {
                    throw new ArtException("beta: " + steps + " steps fall on only " + k + " distinct table entries of "
                            + t + "; expected at most " + k + " steps");
                }
                System.arraycopy(picked, 0, s, 0, steps);
            }
        }
        return new Schedule(spec, s, "DiscreteScheduler(" + kind.id() + ", T=" + t + ")");
    }

    /**
     * ComfyUI's {@code ddim_uniform}: entries 1, 1 + s, ... below T with s = max(T // N, 1), largest first. That
     * is (T - 2) // s + 1 entries, which differs from N for most N; such N are rejected, naming the nearest step
     * counts the rule places exactly.
     */
    private void ddimUniform(int steps, double[] s) {
        int t = sigmas.length;
        if (!(sigmas[1] > 1e-5)) {
            throw new ArtException("ddim_uniform: the table's sigma[1] must be above 1e-5 (ComfyUI then adds a step "
                    + "and ends without 0), found " + sigmas[1]);
        }
        int stride = Math.max(t / steps, 1);
        int count = ddimCount(t, steps);
        if (count != steps) {
            int below = steps - 1;
            while (below >= 1 && ddimCount(t, below) != below) {
                below--;
            }
            int above = steps + 1;
            while (above < t && ddimCount(t, above) != above) {
                above++;
            }
            String near = below + (above < t ? " and " + above : ""); // N = 1 always fits, so below >= 1
            throw new ArtException("ddim_uniform: expected " + steps + " steps, found " + count + ": ComfyUI's stride "
                    + t + " // " + steps + " = " + stride + " places " + count + " steps on a table of " + t
                    + " entries; the nearest step counts it places exactly: " + near);
        }
        for (int k = 0; k < steps; k++) {
            s[k] = sigmas[1 + (steps - 1 - k) * stride];
        }
    }

    /** The number of steps ComfyUI's {@code ddim_uniform} places on a table of t entries when asked for n. */
    static int ddimCount(int t, int n) {
        return (t - 2) / Math.max(t / n, 1) + 1;
    }

    /** ComfyUI's {@code ModelSamplingDiscrete.sigma(t)}: log-linear between table entries, in float32. */
    private double sigmaAt(float ts) {
        float c = Math.max(0f, Math.min(ts, sigmas.length - 1));
        int lo = (int) Math.floor(c);
        int hi = (int) Math.ceil(c);
        float w = c - (float) Math.floor(c);
        float ls = (1f - w) * logSigmas[lo] + w * logSigmas[hi];
        return (float) Math.exp(ls);
    }

    private static TimestepScheduler create(Kind kind, Map<String, String> options) {
        Set<String> keys = kind == Kind.BETA ? Set.of("beta_start", "beta_end", "timesteps", "alpha", "beta")
                : Set.of("beta_start", "beta_end", "timesteps");
        SchedulerOptions o = new SchedulerOptions(kind.id(), options, keys);
        double t = o.number("timesteps", 1000);
        o.require(t == Math.rint(t) && t >= 2 && t <= 100_000, "timesteps", "an integer in [2, 100000]", t);
        return new DiscreteScheduler(kind, o.number("beta_start", 0.00085), o.number("beta_end", 0.012), (int) t,
                o.number("alpha", 0.6), o.number("beta", 0.6));
    }

    /** ServiceLoader provider for {@code simple}. */
    public static final class SimpleProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return Kind.SIMPLE.id();
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            return DiscreteScheduler.create(Kind.SIMPLE, options);
        }
    }

    /** ServiceLoader provider for {@code sgm_uniform}. */
    public static final class SgmUniformProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return Kind.SGM_UNIFORM.id();
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            return DiscreteScheduler.create(Kind.SGM_UNIFORM, options);
        }
    }

    /** ServiceLoader provider for {@code normal}. */
    public static final class NormalProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return Kind.NORMAL.id();
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            return DiscreteScheduler.create(Kind.NORMAL, options);
        }
    }

    /** ServiceLoader provider for {@code ddim_uniform}. */
    public static final class DdimUniformProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return Kind.DDIM_UNIFORM.id();
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            return DiscreteScheduler.create(Kind.DDIM_UNIFORM, options);
        }
    }

    /** ServiceLoader provider for {@code beta}. */
    public static final class BetaProvider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return Kind.BETA.id();
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            return DiscreteScheduler.create(Kind.BETA, options);
        }
    }
}
