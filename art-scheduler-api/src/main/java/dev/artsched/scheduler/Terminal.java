package dev.artsched.scheduler;

import java.util.Locale;

/**
 * How a published sigma list that ends at a positive sigma_min becomes a grid ending in 0. {@link #REPLACE}: the
 * last value is replaced by 0 (diffusers and ComfyUI with Align Your Steps, GITS and OSS lists; N + 1 values give
 * N steps). {@link #APPEND}: every value is kept and 0 is appended (A1111; N + 1 values give N + 1 steps).
 */
public enum Terminal {
    /** Replace the final sigma_min by 0 (diffusers, ComfyUI; the list publisher's convention). */
    REPLACE,
    /** Keep the final sigma_min and append 0 (A1111). */
    APPEND;

    /** The lower-case value used in options and schedule files. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code replace} or {@code append}, case-insensitively. */
    public static Terminal parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Terminal v : values()) {
            if (v.id().equals(t)) {
                return v;
            }
        }
        throw new ArtException("terminal convention must be replace or append, found '" + ArtException.quote(text)
                + "'");
    }
}
