package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Registry of {@link AdaptivePolicyProvider}s discovered with {@link ServiceLoader}, the pattern of
 * {@link TimestepSchedulers}: a provider that fails to load or has a bad name is skipped and logged, a duplicate name
 * is rejected (the first wins; an error for an explicit registry). Policies are requested by spec
 * {@code NAME[:key=value,...]}. Thread-safe.
 */
public final class AdaptiveSchedulers {
    private static final System.Logger LOG = System.getLogger(AdaptiveSchedulers.class.getName());
    private static volatile AdaptiveSchedulers defaults;

    private final Map<String, AdaptivePolicyProvider> providers;

    private AdaptiveSchedulers(Map<String, AdaptivePolicyProvider> providers) {
        this.providers = Collections.unmodifiableMap(providers);
    }

    /** Discovers providers visible to the class loader. */
    public static AdaptiveSchedulers load(ClassLoader loader) {
        Map<String, AdaptivePolicyProvider> found = new LinkedHashMap<>();
        Iterator<AdaptivePolicyProvider> it = ServiceLoader.load(AdaptivePolicyProvider.class, loader).iterator();
        while (true) {
            AdaptivePolicyProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.log(System.Logger.Level.WARNING, "skipping an adaptive policy provider that failed to load: "
                        + e.getMessage());
                continue;
            }
            register(found, p, false);
        }
        return new AdaptiveSchedulers(found);
    }

    /** A registry of exactly these providers; duplicate names are an error. */
    public static AdaptiveSchedulers of(Iterable<? extends AdaptivePolicyProvider> list) {
        Map<String, AdaptivePolicyProvider> found = new LinkedHashMap<>();
        for (AdaptivePolicyProvider p : list) {
            register(found, p, true);
        }
        return new AdaptiveSchedulers(found);
    }

    private static void register(Map<String, AdaptivePolicyProvider> found, AdaptivePolicyProvider p,
                                 boolean strict) {
        String name;
        try {
            name = p.name();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "skipping adaptive policy provider " + p.getClass().getName()
                    + ": name() failed: " + e);
            return;
        }
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            LOG.log(System.Logger.Level.WARNING, "skipping adaptive policy provider " + p.getClass().getName()
                    + ": expected a name matching [A-Za-z0-9._-]+, found '" + name + "'");
            return;
        }
        AdaptivePolicyProvider prev = found.get(name);
        if (prev != null) {
            String msg = "duplicate adaptive policy name '" + name + "': " + p.getClass().getName()
                    + " rejected, already provided by " + prev.getClass().getName();
            if (strict) {
                throw new ArtException(msg);
            }
            LOG.log(System.Logger.Level.WARNING, msg);
            return;
        }
        found.put(name, p);
    }

    /** The process-wide registry (context class loader, else this class's loader). */
    public static AdaptiveSchedulers defaults() {
        AdaptiveSchedulers d = defaults;
        if (d == null) {
            synchronized (AdaptiveSchedulers.class) {
                d = defaults;
                if (d == null) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    d = load(cl != null ? cl : AdaptiveSchedulers.class.getClassLoader());
                    defaults = d;
                }
            }
        }
        return d;
    }

    /** A scheduler for a policy spec, solver and NFE budget, from the process-wide registry. */
    public static AdaptiveScheduler create(String spec, Solver solver, int budgetNfe) {
        return new AdaptiveScheduler(defaults().policy(spec), solver, budgetNfe);
    }

    /** Names of the providers in this registry, sorted. */
    public Set<String> providerNames() {
        return Collections.unmodifiableSet(new TreeSet<>(providers.keySet()));
    }

    /** Creates a policy from a spec {@code NAME[:key=value[,key=value]...]}. */
    public AdaptivePolicy policy(String spec) {
        TimestepSchedulers.Spec parsed = TimestepSchedulers.Spec.parse(spec);
        AdaptivePolicyProvider p = providers.get(parsed.name());
        if (p == null) {
            throw new ArtException("unknown adaptive policy '" + ArtException.quote(parsed.name()) + "' in spec '"
                    + ArtException.quote(spec) + "': expected one of " + providerNames());
        }
        AdaptivePolicy policy = p.create(parsed.options());
        if (policy == null) {
            throw new ArtException("adaptive policy provider " + p.getClass().getName() + " returned null for '"
                    + ArtException.quote(spec) + "'");
        }
        return policy;
    }
}
