package dev.artsched.scheduler;

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
    public static final int MAX_STEPS = 100_000;
    /** Largest accepted file size in bytes. */
    public static final long MAX_BYTES = 16L << 20;

    private static final Set<String> KNOWN = Set.of("format", "name", "sigmas", "steps", "solver", "sigmaMin",
            "sigmaMax", "method", "training");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
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
    }

    /** A file for a schedule with the given provenance; sigma range taken from the grid. */
    public static ScheduleFile of(Schedule schedule, Solver solver, String method, Map<String, Object> training) {
        return new ScheduleFile(schedule.name(), schedule.sigmas(), solver, schedule.sigmaMinPositive(),
                schedule.sigmaMax(), method, training, Map.of());
    }

    /**
     * Imports a published sigma list (for example an Align Your Steps list) as a schedule file with method
     * {@code imported}. Accepts a JSON or Python list ({@code [14.6, 6.4, ..., 0.029]}), an optional
     * {@code sigmas=} prefix, or a comma/space separated string (a ComfyUI {@code ManualSigmas} value). A list that
     * does not end in 0 gets 0 appended (the terminal point every schedule here carries), so a list of N positive
     * values becomes an N-step grid whose time map and log-linear resampling keep every published value.
     *
     * @param name   schedule name
     * @param text   the list
     * @param origin where it came from (recorded in {@code training.source})
     */
    public static ScheduleFile importList(String name, String text, String origin) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("sigmas")) {
            int eq = t.indexOf('=');
            t = eq < 0 ? t : t.substring(eq + 1).trim();
        }
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        String[] parts = t.split("[,;\\s]+");
        java.util.List<Double> values = new java.util.ArrayList<>();
        for (String part : parts) {
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
        boolean append = values.get(values.size() - 1) != 0.0;
        double[] sigmas = new double[values.size() + (append ? 1 : 0)];
        for (int i = 0; i < values.size(); i++) {
            sigmas[i] = values.get(i);
        }
        try {
            Schedule.validate(sigmas);
        } catch (ArtException e) {
            throw new ArtException("sigma list '" + origin + "': " + e.getMessage());
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("source", origin);
        training.put("appendedTerminalZero", append);
        return new ScheduleFile(name, sigmas, null, sigmas[sigmas.length - 2], sigmas[0], "imported", training, Map.of());
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
        return new ScheduleFile(name, sigmas, solver, sigmaMin, sigmaMax, method, training, extra);
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
        AtomicFiles.write(path, toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "schedule file");
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
