package dev.artsched.training.run;

import java.io.UncheckedIOException;
import dev.artsched.internal.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.scheduler.ArtException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Appends one JSON object per ART-RL iteration to a file (JSON lines); flushed at every checkpoint and close. */
public final class MetricsWriter implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path path;
    private final BufferedWriter out;

    /** Opens {@code path} for appending (a resumed run continues the same file). */
    public MetricsWriter(Path path) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ArtException("cannot open metrics file " + path + ": expected a writable file, found " + e);
        }
    }

    /**
     * Prepares the metrics file of a resumed run: keeps only complete lines of iterations up to
     * {@code iteration} (the checkpoint), dropping lines written after it and any line cut by a kill.
     */
    public static void truncateAfter(Path path, int iteration) {
        if (!Files.exists(path)) {
            return;
        }
        try {
            java.util.List<String> keep = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                try {
                    com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(line);
                    if (n != null && n.has("iteration") && n.get("iteration").asInt() <= iteration) {
                        keep.add(line);
                    }
                } catch (IOException e) {
                    break;
                }
            }
            StringBuilder text = new StringBuilder();
            for (String line : keep) {
                text.append(line).append('\n');
            }
            AtomicFiles.write(path, text.toString().getBytes(StandardCharsets.UTF_8), "metrics file");
        } catch (IOException | UncheckedIOException e) {
            throw new ArtException("cannot rewrite metrics file " + path + " for resuming: " + e.getMessage());
        }
    }

    /** Writes one line. */
    public void write(IterationStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("iteration", s.iteration());
        m.put("gamma", s.gamma());
        m.put("budget_error", s.budgetError());
        m.put("mean_budget", s.meanBudget());
        m.put("mean_td", s.meanTd());
        m.put("critic_loss", s.criticLoss());
        m.put("actor_loss", s.actorLoss());
        m.put("calls", s.calls());
        m.put("elapsed_seconds", s.elapsedSeconds());
        try {
            out.write(MAPPER.writeValueAsString(m));
            out.write('\n');
        } catch (IOException e) {
            throw new ArtException("cannot write metrics file " + path + ": " + e.getMessage());
        }
    }

    /** Flushes buffered lines. */
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ArtException("cannot write metrics file " + path + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new ArtException("cannot close metrics file " + path + ": " + e.getMessage());
        }
    }
}
