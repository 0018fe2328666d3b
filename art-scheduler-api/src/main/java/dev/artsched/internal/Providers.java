package dev.artsched.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Provider discovery shared by the registries of named plugins ({@code TimestepSchedulers},
 * {@code AdaptiveSchedulers}): providers found with {@link ServiceLoader}, keyed by their name. A provider that fails
 * to load, whose {@code name()} throws or whose name is not {@code [A-Za-z0-9._-]+} is skipped and logged; a second
 * provider with a taken name is rejected (logged, the first wins) or, for an explicit list, an
 * {@link IllegalArgumentException} with a ready message that callers rethrow as their own error.
 */
public final class Providers {
    private Providers() {
    }

    /** The providers of {@code type} visible to {@code loader}; {@code kind} words the log lines ("scheduler"). */
    public static <P> Map<String, P> discover(Class<P> type, ClassLoader loader, Function<P, String> name,
                                              String kind, System.Logger log) {
        Map<String, P> found = new LinkedHashMap<>();
        Iterator<P> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            P p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                log.log(System.Logger.Level.WARNING, "skipping a " + kind + " provider that failed to load: "
                        + e.getMessage());
                continue;
            }
            register(found, p, name, kind, log, false);
        }
        return found;
    }

    /** Exactly these providers; a duplicate name is an {@link IllegalArgumentException}. */
    public static <P> Map<String, P> exactly(Iterable<? extends P> list, Function<P, String> name, String kind,
                                             System.Logger log) {
        Map<String, P> found = new LinkedHashMap<>();
        for (P p : list) {
            register(found, p, name, kind, log, true);
        }
        return found;
    }

    private static <P> void register(Map<String, P> found, P p, Function<P, String> nameOf, String kind,
                                     System.Logger log, boolean strict) {
        String name;
        try {
            name = nameOf.apply(p);
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "skipping " + kind + " provider " + p.getClass().getName()
                    + ": name() failed: " + e);
            return;
        }
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            log.log(System.Logger.Level.WARNING, "skipping " + kind + " provider " + p.getClass().getName()
                    + ": expected a name matching [A-Za-z0-9._-]+, found '" + name + "'");
            return;
        }
        P prev = found.get(name);
        if (prev != null) {
            String msg = "duplicate " + kind + " name '" + name + "': " + p.getClass().getName()
                    + " rejected, already provided by " + prev.getClass().getName();
            if (strict) {
                throw new IllegalArgumentException(msg);
            }
            log.log(System.Logger.Level.WARNING, msg);
            return;
        }
        found.put(name, p);
    }
}
