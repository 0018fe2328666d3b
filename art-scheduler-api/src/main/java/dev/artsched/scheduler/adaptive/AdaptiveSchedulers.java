package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;

import dev.artsched.internal.Providers;

import java.util.Collections;
import java.util.Map;
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

    /** Discovers providers visible to the class loader, skipping (and logging) broken or duplicate ones. */
    public static AdaptiveSchedulers load(ClassLoader loader) {
        return new AdaptiveSchedulers(Providers.discover(AdaptivePolicyProvider.class, loader, AdaptivePolicyProvider::name, "adaptive policy", LOG));
    }

    /** A registry of exactly these providers; duplicate names are an error. */
    public static AdaptiveSchedulers of(Iterable<? extends AdaptivePolicyProvider> list) {
        try {
            return new AdaptiveSchedulers(Providers.exactly(list, AdaptivePolicyProvider::name, "adaptive policy", LOG));
        } catch (IllegalArgumentException e) {
            throw new ArtException(e.getMessage(), e);
        }
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
