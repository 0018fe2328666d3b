package dev.artsched.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text forms in which the Python stacks exchange grids: ComfyUI's {@code SIGMAS} string and diffusers'
 * {@code sigmas=[...]} list, both the N + 1 sigmas ending in 0. Values are printed with {@link Double#toString},
 * which parses back to the same double, so {@link #format} followed by {@link #parse} is exact.
 */
public final class SigmaText {
    private SigmaText() {
    }

    /** The supported text forms. */
    public enum Format {
        /** Comma-separated N + 1 sigmas ending in 0 (ComfyUI {@code SIGMAS}, {@code ManualSigmas}). */
        COMFYUI,
        /** A Python list of the N + 1 sigmas ending in 0.0 (diffusers {@code set_timesteps(sigmas=...)}). */
        DIFFUSERS;

        /** The lower-case option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code comfyui} or {@code diffusers}, case-insensitively. */
        public static Format parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.id().equals(t)) {
                    return f;
                }
            }
            throw new ArtException("sigma text format must be comfyui or diffusers, found '" + ArtException.quote(text)
                    + "'");
        }
    }

    /** The grid in the given text form (one line, no newline). */
    public static String format(Schedule schedule, Format format) {
        List<String> parts = new ArrayList<>();
        for (double s : schedule.sigmas()) {
            parts.add(Double.toString(s));
        }
        String body = String.join(", ", parts);
        return format == Format.DIFFUSERS ? "[" + body + "]" : body;
    }

    /**
     * Parses a sigma list: a JSON or Python list ({@code [14.6, 6.4, ..., 0.029]}), an optional {@code sigmas=}
     * prefix, or a comma/space separated string. The values are returned as written (no terminal added).
     *
     * @param text   the list
     * @param origin where it came from, for messages
     */
    public static double[] parse(String text, String origin) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("sigmas")) {
            int eq = t.indexOf('=');
            t = eq < 0 ? t : t.substring(eq + 1).trim();
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        List<Double> values = new ArrayList<>();
        for (String part : t.split("[,;\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            try {
                values.add(Double.parseDouble(part));
            } catch (NumberFormatException e) {
                throw new ArtException("sigma list '" + origin + "': value " + values.size() + " must be a number, found '"
                        + ArtException.quote(part) + "'");
            }
        }
        if (values.isEmpty()) {
            throw new ArtException("sigma list '" + origin + "': expected at least one positive sigma, found none");
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
