package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A learned grid (ART-RL, ART closed form, or an imported list) from a schedule file ({@code path=FILE}) or a
 * bundled classpath resource ({@code name=NAME}, read from {@code META-INF/art/schedules/NAME.json}). Exact at
 * its trained N; at other N it is resampled by the time-map rule ({@code resample=time-map}, default) or the
 * log-linear rule ({@code resample=loglinear}). Optional {@code sigma_max} (and {@code sigma_min}) rescale the
 * grid to a model's range before resampling: {@code sigma_max} alone multiplies every sigma by
 * sigma_max / sigma_0; both map the positive sigmas log-affinely onto [sigma_min, sigma_max]. A list imported with
 * {@link Terminal#REPLACE} is resampled log-linearly by ComfyUI's rule over the full published list
 * ({@link Resampling#logLinearReplace}), and rescaled as that list.
 */
public final class ArtScheduler implements TimestepScheduler {
    /** Classpath folder of bundled schedules. */
    public static final String RESOURCE_DIR = "META-INF/art/schedules/";

    private final String spec;
    private final ScheduleFile file;
    private final double[] grid;
    private final double[] published;
    private final Resampling.Rule rule;

    /**
     * @param spec   the name reported by {@link #name()}
     * @param file   the learned grid and provenance
     * @param rule   resampling rule for other step counts
     * @param sigmaMin target sigma_min for rescaling, or NaN
     * @param sigmaMax target sigma_max for rescaling, or NaN
     */
    public ArtScheduler(String spec, ScheduleFile file, Resampling.Rule rule, double sigmaMin, double sigmaMax) {
        this.spec = spec;
        this.file = file;
        this.rule = rule;
        double[] list = file.publishedSigmas().orElse(null);
        if (list == null) {
            this.published = null;
            this.grid = rescale(file.sigmas(), sigmaMin, sigmaMax);
        } else {
            double[] withZero = java.util.Arrays.copyOf(list, list.length + 1);
            double[] scaled = rescale(withZero, sigmaMin, sigmaMax);
            this.published = java.util.Arrays.copyOf(scaled, list.length);
            double[] g = this.published.clone();
            g[g.length - 1] = 0.0;
            this.grid = g;
        }
    }

    /** A scheduler over a schedule file with the default time-map rule and no rescaling. */
    public static ArtScheduler of(ScheduleFile file) {
        return new ArtScheduler("art:" + file.name(), file, Resampling.Rule.TIME_MAP, Double.NaN, Double.NaN);
    }

    /** Loads a bundled schedule by name from the classpath (context class loader first). */
    public static ScheduleFile loadBundled(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new ArtException("bundled schedule name must match [A-Za-z0-9._-]+, found '" + ArtException.quote(name)
                    + "'");
        }
        String resource = RESOURCE_DIR + name + ".json";
        ClassLoader[] loaders = {Thread.currentThread().getContextClassLoader(), ArtScheduler.class.getClassLoader()};
        for (ClassLoader cl : loaders) {
            if (cl == null) {
                continue;
            }
            try (InputStream in = cl.getResourceAsStream(resource)) {
                if (in != null) {
                    return ScheduleFile.read(in, "classpath:" + resource);
                }
            } catch (IOException e) {
                throw new ArtException("cannot read bundled schedule classpath:" + resource + ": " + e.getMessage(), e);
            }
        }
        throw new ArtException("no bundled schedule named '" + name + "': expected classpath resource " + resource
                + " (is art-models on the classpath?)");
    }

    /** The schedule file behind this scheduler (provenance included). */
    public ScheduleFile file() {
        return file;
    }

    /** The trained step count N. */
    public int trainedSteps() {
        return grid.length - 1;
    }

    @Override
    public String name() {
        return spec;
    }

    @Override
    public Schedule schedule(int steps) {
        Schedule.checkSteps(steps);
        double[] s = rule == Resampling.Rule.LOG_LINEAR && published != null
                ? Resampling.logLinearReplace(published, steps) : rule.apply(grid, steps);
        String source = "art " + file.method() + " grid '" + file.name() + "' (N=" + trainedSteps() + ")"
                + (steps == trainedSteps() ? "" : ", resampled by " + rule.id() + " to N=" + steps);
        return new Schedule(spec, s, source);
    }

    private static double[] rescale(double[] sigmas, double sigmaMin, double sigmaMax) {
        boolean hasMax = !Double.isNaN(sigmaMax);
        boolean hasMin = !Double.isNaN(sigmaMin);
        if (!hasMax && !hasMin) {
            return sigmas;
        }
        if (!hasMax) {
            throw new ArtException("rescaling an art grid needs sigma_max (sigma_min alone is ambiguous)");
        }
        if (!(sigmaMax > 0)) {
            throw new ArtException("sigma_max must be > 0, found " + sigmaMax);
        }
        double[] out = sigmas.clone();
        int last = out.length - 2;
        if (!hasMin) {
            double f = sigmaMax / sigmas[0];
            for (int i = 0; i <= last; i++) {
                out[i] = sigmas[i] * f;
            }
        } else {
            if (!(sigmaMin > 0 && sigmaMin < sigmaMax)) {
                throw new ArtException("sigma_min must be in (0, sigma_max = " + sigmaMax + "), found " + sigmaMin);
            }
            if (last == 0) {
                out[0] = sigmaMax;
            } else {
                double a0 = Math.log(sigmas[0]);
                double a1 = Math.log(sigmas[last]);
                double b0 = Math.log(sigmaMax);
                double b1 = Math.log(sigmaMin);
                for (int i = 0; i <= last; i++) {
                    double u = (Math.log(sigmas[i]) - a0) / (a1 - a0);
                    out[i] = Math.exp(b0 + u * (b1 - b0));
                }
                out[0] = sigmaMax;
                out[last] = sigmaMin;
            }
        }
        Schedule.validate(out);
        return out;
    }

    /** ServiceLoader provider for {@code art}. */
    public static final class Provider implements TimestepSchedulerProvider {
        @Override
        public String name() {
            return "art";
        }

        @Override
        public TimestepScheduler create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("art", options,
                    Set.of("path", "name", "resample", "sigma_min", "sigma_max"));
            boolean hasPath = o.has("path");
            boolean hasName = o.has("name");
            if (hasPath == hasName) {
                throw new ArtException("scheduler 'art' needs exactly one of path=FILE or name=BUNDLED_NAME, found "
                        + (hasPath ? "both" : "neither"));
            }
            ScheduleFile file = hasPath ? ScheduleFile.read(Path.of(o.string("path", ""))) : loadBundled(o.string("name", ""));
            Resampling.Rule rule = Resampling.Rule.parse(o.string("resample", "time-map"));
            double min = o.number("sigma_min", Double.NaN);
            double max = o.number("sigma_max", Double.NaN);
            StringBuilder spec = new StringBuilder("art:");
            spec.append(hasPath ? "path=" + o.string("path", "") : "name=" + o.string("name", ""));
            if (o.has("resample")) {
                spec.append(",resample=").append(rule.id().toLowerCase(Locale.ROOT));
            }
            if (o.has("sigma_min")) {
                spec.append(",sigma_min=").append(min);
            }
            if (o.has("sigma_max")) {
                spec.append(",sigma_max=").append(max);
            }
            return new ArtScheduler(spec.toString(), file, rule, min, max);
        }
    }
}
