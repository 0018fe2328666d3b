package dev.artsched.scheduler;

import dev.artsched.internal.AtomicFiles;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A schedule file ({@code "format": "art-schedule/1"}): a learned or published grid with its provenance.
 * Readers validate every field and ignore (but keep, in {@link #extra()}) unknown ones; writers never drop known
 * ones and replace the target atomically. Any problem is one {@link ArtException} naming the file.
 *
 * @param name     schedule name
 * @param sigmas   the N + 1 sigmas ending in 0 (copied; validated)
 * @param solver   the solver the grid was made for, or null if unspecified
 * @param sigmaMin the model's sigma_min the grid was made for, or null
 * @param sigmaMax the model's sigma_max, or null
 * @param method   how the grid was made ({@code art-rl}, {@code art-closed-form}, {@code imported}, ...)
 * @param training provenance (model id and sha256, seed, iterations, hyperparameters, final gamma, timings)
 * @param extra    unknown top-level fields, preserved on rewrite
 */
public record ScheduleFile(String name, double[] sigmas, Solver solver, Double sigmaMin, Double sigmaMax,
                           String method, Map<String, Object> training, Map<String, Object> extra) {

    /** The format tag this version reads and writes. */
    public static final String FORMAT = "art-schedule/1";
    /** Largest accepted number of steps; larger files are rejected as hostile. */
    public static final int MAX_STEPS = Schedule.MAX_STEPS;
    /** Largest accepted file size in bytes. */
    public static final long MAX_BYTES = 16L << 20;

    private static final Set<String> KNOWN = Set.of("format", "name", "sigmas", "steps", "solver", "sigmaMin",
            "sigmaMax", "method", "training");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(1 << 20).maxNumberLength(100).build());
    }

    /** Validates and copies. */
    public ScheduleFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sigmas, "sigmas");
        sigmas = sigmas.clone();
        Schedule.validate(sigmas);
        method = method == null ? "unknown" : method;
        training = training == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(training));
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        ImportedList.validateTerminal(sigmas, training);
    }

    /** A file for a schedule with the given provenance; sigma range taken from the grid. */
    public static ScheduleFile of(Schedule schedule, Solver solver, String method, Map<String, Object> training) {
        return new ScheduleFile(schedule.name(), schedule.sigmas(), solver, schedule.sigmaMinPositive(),
                schedule.sigmaMax(), method, training, Map.of());
    }

    /** Key in {@link #training()} recording the terminal convention of an imported list. */
    public static final String TERMINAL_KEY = ImportedList.TERMINAL_KEY;
    /** Key in {@link #training()} holding the published final sigma that {@link Terminal#REPLACE} set to 0. */
    public static final String REPLACED_SIGMA_KEY = ImportedList.REPLACED_SIGMA_KEY;
    /** Value of {@link #TERMINAL_KEY} for a list that already ended in 0. */
    public static final String TERMINAL_GIVEN = ImportedList.TERMINAL_GIVEN;

    /**
     * Imports a published sigma list with the A1111 convention (a final positive sigma is kept and 0 appended),
     * as earlier versions did; new callers choose with {@link #importList(String, String, String, Terminal)}.
     */
    public static ScheduleFile importList(String name, String text, String origin) {
        return importList(name, text, origin, Terminal.APPEND);
    }

    /**
     * Imports a published sigma list (an Align Your Steps or GITS list, a ComfyUI {@code SIGMAS} string, a diffusers
     * {@code sigmas=[...]} list; see {@link SigmaText#parse}) as a schedule file with method {@code imported}. A
     * list ending in 0 is kept as written. A list ending at a positive sigma_min follows {@code terminal}:
     * {@link Terminal#REPLACE} sets the last value to 0 (N + 1 values give N steps, the publisher's grid) and
     * records the replaced value, so {@code resample=loglinear} can interpolate the full published list as
     * ComfyUI does; {@link Terminal#APPEND} keeps it and appends 0. The convention is recorded in
     * {@code training.terminal}.
     *
     * @param name     schedule name
     * @param text     the list
     * @param origin   where it came from (recorded in {@code training.source})
     * @param terminal the terminal convention for a list ending at a positive sigma
     */
    public static ScheduleFile importList(String name, String text, String origin, Terminal terminal) {
        ImportedList list = ImportedList.parse(text, origin, terminal);
        return new ScheduleFile(name, list.sigmas(), null, list.sigmaMin(), list.sigmas()[0], "imported",
                list.training(), Map.of());
    }

    /**
     * The terminal convention recorded for an imported list ({@code training.terminal}); empty for files that
     * record none (learned grids, files written before the field existed, lists that ended in 0).
     */
    public Optional<Terminal> terminal() {
        Object t = training.get(TERMINAL_KEY);
        if (t == null || TERMINAL_GIVEN.equals(t)) {
            return Optional.empty();
        }
        return Optional.of(Terminal.parse(t.toString()));
    }

    /**
     * The published list behind a {@link Terminal#REPLACE} import: the N + 1 positive values, the last one being
     * the recorded sigma that the grid replaced by 0; empty for every other file.
     */
    public Optional<double[]> publishedSigmas() {
        if (terminal().orElse(null) != Terminal.REPLACE) {
            return Optional.empty();
        }
        double[] p = sigmas.clone();
        p[p.length - 1] = ((Number) training.get(REPLACED_SIGMA_KEY)).doubleValue();
        return Optional.of(p);
    }

    /** Number of steps N. */
    public int steps() {
        return sigmas.length - 1;
    }

    /** A copy of the sigmas. */
    @Override
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** The grid as a {@link Schedule} whose source names the method. */
    public Schedule toSchedule(String source) {
        return new Schedule(name, sigmas, source);
    }

    /** The grid as a {@link Schedule}. */
    public Schedule toSchedule() {
        return toSchedule("schedule file (" + method + ")");
    }

    /** Reads and validates a schedule file. */
    public static ScheduleFile read(Path path) {
        String where = path.toString();
        try {
            if (Files.isDirectory(path)) {
                throw new ArtException("schedule file " + where + ": expected a file, found a directory");
            }
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new ArtException("schedule file " + where + ": expected at most " + MAX_BYTES + " bytes, found "
                        + size);
            }
            try (InputStream in = Files.newInputStream(path)) {
                return read(in, where);
            }
        } catch (NoSuchFileException e) {
            throw new ArtException("schedule file " + where + ": no such file");
        } catch (AccessDeniedException e) {
            throw new ArtException("schedule file " + where + ": permission denied");
        } catch (IOException e) {
            throw new ArtException("schedule file " + where + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** Reads and validates a schedule file from a stream; {@code where} names it in errors. */
    public static ScheduleFile read(InputStream in, String where) {
        JsonNode root;
        try {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw fail(where, "expected at most " + MAX_BYTES + " bytes, found more");
            }
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw fail(where, "malformed JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw fail(where, "cannot read (" + e.getMessage() + ")");
        }
        if (root == null || root.isMissingNode()) {
            throw fail(where, "expected a JSON object, found an empty file");
        }
        if (!root.isObject()) {
            throw fail(where, "expected a JSON object, found " + kind(root));
        }
        JsonNode format = root.get("format");
        if (format == null) {
            throw fail(where, "missing \"format\": expected \"" + FORMAT + "\"");
        }
        if (!format.isTextual() || !FORMAT.equals(format.asText())) {
            throw fail(where, "expected \"format\": \"" + FORMAT + "\", found " + format);
        }
        String name = text(root, "name", where, true);
        JsonNode arr = root.get("sigmas");
        if (arr == null) {
            throw fail(where, "missing \"sigmas\": expected an array of N + 1 numbers ending in 0");
        }
        if (!arr.isArray()) {
            throw fail(where, "\"sigmas\" must be an array of numbers, found " + kind(arr));
        }
        if (arr.size() > MAX_STEPS + 1) {
            throw fail(where, "\"sigmas\" must hold at most " + (MAX_STEPS + 1) + " values, found " + arr.size());
        }
        double[] sigmas = new double[arr.size()];
        for (int i = 0; i < sigmas.length; i++) {
            JsonNode v = arr.get(i);
            if (!v.isNumber()) {
                throw fail(where, "sigma[" + i + "] must be a number, found " + kind(v));
            }
            sigmas[i] = v.asDouble();
        }
        try {
            Schedule.validate(sigmas);
        } catch (ArtException e) {
            throw fail(where, e.getMessage());
        }
        JsonNode steps = root.get("steps");
        if (steps != null && (!steps.canConvertToInt() || !steps.isIntegralNumber()
                || steps.asInt() != sigmas.length - 1)) {
            throw fail(where, "\"steps\" must equal the number of sigmas minus 1 = " + (sigmas.length - 1)
                    + ", found " + steps);
        }
        Solver solver = null;
        String solverText = text(root, "solver", where, false);
        if (solverText != null) {
            try {
                solver = Solver.parse(solverText);
            } catch (ArtException e) {
                throw fail(where, "\"solver\": " + e.getMessage());
            }
        }
        Double sigmaMin = number(root, "sigmaMin", where);
        Double sigmaMax = number(root, "sigmaMax", where);
        String method = text(root, "method", where, false);
        Map<String, Object> training = null;
        JsonNode t = root.get("training");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw fail(where, "\"training\" must be an object, found " + kind(t));
            }
            training = toMap(t);
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!KNOWN.contains(e.getKey())) {
                extra.put(e.getKey(), MAPPER.convertValue(e.getValue(), Object.class));
            }
        });
        try {
            return new ScheduleFile(name, sigmas, solver, sigmaMin, sigmaMax, method, training, extra);
        } catch (ArtException e) {
            throw fail(where, e.getMessage());
        }
    }

    /** The file's JSON text. */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", name);
        root.put("steps", steps());
        if (solver != null) {
            root.put("solver", solver.id());
        }
        if (sigmaMin != null) {
            root.put("sigmaMin", sigmaMin);
        }
        if (sigmaMax != null) {
            root.put("sigmaMax", sigmaMax);
        }
        root.put("method", method);
        var arr = root.putArray("sigmas");
        for (double s : sigmas) {
            arr.add(s);
        }
        root.set("training", MAPPER.valueToTree(training));
        extra.forEach((k, v) -> root.set(k, MAPPER.valueToTree(v)));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new ArtException("cannot serialise schedule '" + name + "': " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Writes the file atomically: a temporary file in the same directory is written, flushed and moved over the
     * target, so a crash or a full disk never leaves a partial file and never destroys an earlier one.
     */
    public void write(Path path) {
        try {
            AtomicFiles.write(path, toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "schedule file");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScheduleFile f && name.equals(f.name) && Arrays.equals(sigmas, f.sigmas)
                && solver == f.solver && Objects.equals(sigmaMin, f.sigmaMin) && Objects.equals(sigmaMax, f.sigmaMax)
                && method.equals(f.method) && training.equals(f.training) && extra.equals(f.extra);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, Arrays.hashCode(sigmas), solver, sigmaMin, sigmaMax, method, training, extra);
    }

    @Override
    public String toString() {
        return "ScheduleFile[" + name + ", N=" + steps() + ", method=" + method + "]";
    }

    private static Map<String, Object> toMap(JsonNode node) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = MAPPER.convertValue(node, LinkedHashMap.class);
        return m;
    }

    private static String text(JsonNode root, String field, String where, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw fail(where, "missing \"" + field + "\": expected a string");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw fail(where, "\"" + field + "\" must be a string, found " + kind(n));
        }
        return n.asText();
    }

    private static Double number(JsonNode root, String field, String where) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < 0) {
            throw fail(where, "\"" + field + "\" must be a finite number >= 0, found " + n);
        }
        return n.asDouble();
    }

    private static String kind(JsonNode n) {
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + text;
    }

    private static ArtException fail(String where, String problem) {
        return new ArtException("schedule file " + where + ": " + problem);
    }
}
