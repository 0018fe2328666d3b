package dev.artsched.scheduler;

import dev.artsched.scheduler.spi.TimestepSchedulerProvider;

import dev.artsched.internal.Providers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Registry of {@link TimestepSchedulerProvider}s discovered with {@link ServiceLoader}. A provider that fails to
 * load is skipped and logged; a second provider with an already registered name is rejected (logged, the first
 * one wins). Schedulers are requested by spec {@code NAME[:key=value[,key=value]...]}, e.g.
 * {@code edm:rho=7,sigma_max=80}. The default scheduler is the spec in system property {@value #DEFAULT_PROPERTY}
 * ({@code edm} when unset). Thread-safe.
 */
public final class TimestepSchedulers {
    /** System property naming the default scheduler spec. */
    public static final String DEFAULT_PROPERTY = "art.scheduler";
    /** Default spec when the property is unset. */
    public static final String DEFAULT_SPEC = "edm";

    private static final System.Logger LOG = System.getLogger(TimestepSchedulers.class.getName());
    private static volatile TimestepSchedulers defaults;

    private final Map<String, TimestepSchedulerProvider> providers;

    private TimestepSchedulers(Map<String, TimestepSchedulerProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** Discovers providers visible to the class loader, skipping (and logging) broken or duplicate ones. */
    public static TimestepSchedulers load(ClassLoader loader) {
        return new TimestepSchedulers(Providers.discover(TimestepSchedulerProvider.class, loader, TimestepSchedulerProvider::name, "scheduler", LOG));
    }

    /** A registry of exactly these providers; duplicate names are an error. */
    public static TimestepSchedulers of(Iterable<? extends TimestepSchedulerProvider> list) {
        try {
            return new TimestepSchedulers(Providers.exactly(list, TimestepSchedulerProvider::name, "scheduler", LOG));
        } catch (IllegalArgumentException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    /** The process-wide registry (loaded once with the context class loader, else this class's loader). */
    public static TimestepSchedulers defaults() {
        TimestepSchedulers d = defaults;
        if (d == null) {
            synchronized (TimestepSchedulers.class) {
                d = defaults;
                if (d == null) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    d = load(cl != null ? cl : TimestepSchedulers.class.getClassLoader());
                    defaults = d;
                }
            }
        }
        return d;
    }

    /** Creates a scheduler from a spec using the process-wide registry. */
    public static TimestepScheduler create(String spec) {
        return defaults().scheduler(spec);
    }

    /** The grid of {@code steps} steps for a spec, using the process-wide registry. */
    public static Schedule schedule(String spec, int steps) {
        return create(spec).schedule(steps);
    }

    /** Names of the schedulers in the process-wide registry. */
    public static Set<String> names() {
        return defaults().providerNames();
    }

    /** The scheduler named by system property {@value #DEFAULT_PROPERTY}, or {@value #DEFAULT_SPEC}. */
    public static TimestepScheduler fromSystemProperty() {
        return create(System.getProperty(DEFAULT_PROPERTY, DEFAULT_SPEC));
    }

    /** Names of the providers in this registry, sorted. */
    public Set<String> providerNames() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** Creates a scheduler from a spec {@code NAME[:key=value[,key=value]...]}. */
    public TimestepScheduler scheduler(String spec) {
        Spec parsed = Spec.parse(spec);
        TimestepSchedulerProvider p = providers.get(parsed.name());
        if (p == null) {
            throw new ArtException("unknown scheduler '" + ArtException.quote(parsed.name()) + "' in spec '"
                    + ArtException.quote(spec) + "': expected one of "
                    + providerNames());
        }
        TimestepScheduler s = p.create(parsed.options());
        if (s == null) {
            throw new ArtException("scheduler provider " + p.getClass().getName() + " returned null for '" + spec + "'");
        }
        return s;
    }

    /**
     * A parsed scheduler spec.
     *
     * @param name    the scheduler name
     * @param options its options, in order
     */
    public record Spec(String name, Map<String, String> options) {
        /** Copies the options. */
        public Spec {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        /** Parses {@code NAME[:key=value[,key=value]...]}; whitespace around tokens is ignored. */
        public static Spec parse(String spec) {
            if (spec == null || spec.isBlank()) {
                throw new ArtException("scheduler spec must be NAME[:key=value,...], found an empty string");
            }
            String s = spec.trim();
            int colon = s.indexOf(':');
            String name = (colon < 0 ? s : s.substring(0, colon)).trim();
            if (name.isEmpty()) {
                throw new ArtException("scheduler spec must start with a name, found '" + ArtException.quote(spec) + "'");
            }
            Map<String, String> opts = new LinkedHashMap<>();
            if (colon >= 0) {
                String rest = s.substring(colon + 1);
                if (!rest.isBlank()) {
                    String last = null;
                    for (String part : rest.split(",")) {
                        int eq = part.indexOf('=');
                        if (eq < 0 && "path".equals(last)) {
                            // a file path may hold commas: a part without '=' continues it
                            opts.put(last, opts.get(last) + "," + part.trim());
                            continue;
                        }
                        if (eq <= 0) {
                            throw new ArtException("scheduler option must be key=value, found '"
                                    + ArtException.quote(part.trim()) + "' in spec '" + ArtException.quote(spec) + "'");
                        }
                        String key = part.substring(0, eq).trim();
                        last = key;
                        if (opts.put(key, part.substring(eq + 1).trim()) != null) {
                            throw new ArtException("scheduler option '" + ArtException.quote(key) + "' given twice in spec '"
                                    + ArtException.quote(spec) + "'");
                        }
                    }
                }
            }
            return new Spec(name, opts);
        }
    }
}
