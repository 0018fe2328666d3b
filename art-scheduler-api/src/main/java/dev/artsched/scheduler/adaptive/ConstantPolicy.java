package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.SchedulerOptions;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The built-in reference policy {@code constant:step=A,sigma_min=S,sigma_max=T}: the same decrement A of t for every
 * sample (equal steps in log-sigma), whatever the sample. A baseline and a test double for host loops. Immutable.
 */
public final class ConstantPolicy implements AdaptivePolicy {
    private final double step;
    private final NoiseLevelMap map;

    /**
     * @param step the decrement of t, in (0, 1]
     * @param map  the t-sigma map
     */
    public ConstantPolicy(double step, NoiseLevelMap map) {
        if (!(step > 0 && step <= 1)) {
            throw new dev.artsched.scheduler.ArtException("the constant policy's step must be in (0, 1], found "
                    + step);
        }
        this.step = step;
        this.map = map;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "constant:step=%s,sigma_min=%s,sigma_max=%s", step, map.sigmaMin(),
                map.sigmaMax());
    }

    @Override
    public NoiseLevelMap map() {
        return map;
    }

    @Override
    public int sampleSize() {
        return -1;
    }

    @Override
    public void decrements(float[] x, double[] sigma, int[] stepIndex, int batch, double[] out) {
        java.util.Arrays.fill(out, 0, batch, step);
    }

    /** Provider of {@code constant} (options step, default 0.1; sigma_min 0.002; sigma_max 80). */
    public static final class Provider implements AdaptivePolicyProvider {
        @Override
        public String name() {
            return "constant";
        }

        @Override
        public AdaptivePolicy create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("constant", options, Set.of("step", "sigma_min", "sigma_max"));
            return new ConstantPolicy(o.number("step", 0.1), new NoiseLevelMap(o.number("sigma_min", 0.002),
                    o.number("sigma_max", 80)));
        }
    }
}
