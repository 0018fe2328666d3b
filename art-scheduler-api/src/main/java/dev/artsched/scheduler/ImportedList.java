package dev.artsched.scheduler;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A published sigma list turned into a grid by a terminal convention, and the check of the convention recorded in
 * a schedule file's {@code training} block. The engine of {@link ScheduleFile#importList}.
 *
 * @param sigmas   the grid (N + 1 values ending in 0)
 * @param sigmaMin the smallest positive sigma of the published list
 * @param training the provenance: source, terminal convention and, for {@link Terminal#REPLACE}, the replaced value
 */
record ImportedList(double[] sigmas, double sigmaMin, Map<String, Object> training) {
    static final String TERMINAL_KEY = "terminal";
    static final String REPLACED_SIGMA_KEY = "replacedSigma";
    static final String TERMINAL_GIVEN = "given";

    /** Parses {@code text} (see {@link SigmaText#parse}) and applies {@code terminal} to a list ending above 0. */
    static ImportedList parse(String text, String origin, Terminal terminal) {

        Objects.requireNonNull(terminal, "terminal");
        double[] values = SigmaText.parse(text, origin);
        double last = values[values.length - 1];
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("source", origin);
        double[] sigmas;
        if (last == 0.0) {
            sigmas = values;
            training.put(TERMINAL_KEY, TERMINAL_GIVEN);
            training.put("appendedTerminalZero", false);
        } else if (terminal == Terminal.APPEND) {
            sigmas = Arrays.copyOf(values, values.length + 1);
            training.put(TERMINAL_KEY, Terminal.APPEND.id());
            training.put("appendedTerminalZero", true);
        } else {
            if (values.length < 2) {
                throw new ArtException("sigma list '" + origin + "': replacing the last value by 0 needs at least 2 "
                        + "values, found 1 (use the append convention for a single sigma)");
            }
            sigmas = values.clone();
            sigmas[sigmas.length - 1] = 0.0;
            training.put(TERMINAL_KEY, Terminal.REPLACE.id());
            training.put(REPLACED_SIGMA_KEY, last);
            training.put("appendedTerminalZero", false);
        }
        try {
            Schedule.validate(sigmas);
            if (terminal == Terminal.REPLACE && last != 0.0 && !(last > 0 && last < sigmas[sigmas.length - 2])) {
                throw new ArtException("sigmas must be strictly decreasing: the last value " + last
                        + " is not in (0, " + sigmas[sigmas.length - 2] + ")");
            }
        } catch (ArtException e) {
            throw new ArtException("sigma list '" + origin + "': " + e.getMessage());
        }
        return new ImportedList(sigmas, terminal == Terminal.REPLACE && last != 0.0 ? last
                : sigmas[sigmas.length - 2], training);
    }

    static void validateTerminal(double[] sigmas, Map<String, Object> training) {
        Object t = training.get(TERMINAL_KEY);
        if (t == null || TERMINAL_GIVEN.equals(t)) {
            return;
        }
        if (!(t instanceof String)) {
            throw new ArtException("\"training.terminal\" must be \"replace\", \"append\" or \"given\", found " + t);
        }
        Terminal terminal;
        try {
            terminal = Terminal.parse((String) t);
        } catch (ArtException e) {
            throw new ArtException("\"training.terminal\" must be \"replace\", \"append\" or \"given\", found \""
                    + ArtException.quote((String) t) + "\"");
        }
        if (terminal == Terminal.REPLACE) {
            Object r = training.get(REPLACED_SIGMA_KEY);
            double below = sigmas[sigmas.length - 2];
            if (!(r instanceof Number) || !(((Number) r).doubleValue() > 0) || !(((Number) r).doubleValue() < below)) {
                throw new ArtException("\"training." + REPLACED_SIGMA_KEY + "\" must be a number in (0, " + below
                        + ") for terminal \"replace\", found " + r);
            }
        }
    }
}
