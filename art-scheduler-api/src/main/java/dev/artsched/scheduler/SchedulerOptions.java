package dev.artsched.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to the {@code key=value} options of a scheduler spec, rejecting keys the scheduler does not know
 * and values that do not parse, with messages naming the scheduler, key, expected and found value.
 */
public final class SchedulerOptions {
    private final String scheduler;
    private final Map<String, String> values;

    /**
     * @param scheduler the scheduler name (for messages)
     * @param options   the raw options
     * @param allowed   the keys this scheduler accepts
     */
    public SchedulerOptions(String scheduler, Map<String, String> options, Set<String> allowed) {
        this.scheduler = scheduler;
        this.values = new LinkedHashMap<>(options == null ? Map.of() : options);
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw new ArtException("unknown option '" + ArtException.quote(key) + "' for scheduler '" + scheduler
                        + "': expected one of " + new TreeSet<>(allowed));
            }
        }
    }

    /** Whether the option was given. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A string option or the default. */
    public String string(String key, String def) {
        return values.getOrDefault(key, def);
    }

    /** A finite double option or the default. */
    public double number(String key, double def) {
        String raw = values.get(key);
        if (raw == null) {
            return def;
        }
        double v;
        try {
            v = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new ArtException("option '" + key + "' of scheduler '" + scheduler + "' must be a number, found '"
                    + ArtException.quote(raw) + "'");
        }
        if (!Double.isFinite(v)) {
            throw new ArtException("option '" + key + "' of scheduler '" + scheduler + "' must be finite, found "
                    + ArtException.quote(raw));
        }
        return v;
    }

    /** Throws unless {@code condition}; the message names the scheduler and option. */
    public void require(boolean condition, String key, String expected, Object found) {
        if (!condition) {
            throw new ArtException("option '" + key + "' of scheduler '" + scheduler + "' must be " + expected
                    + ", found " + found);
        }
    }
}
