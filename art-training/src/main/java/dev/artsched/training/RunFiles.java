package dev.artsched.training;

import dev.artsched.internal.OutputFiles;
import dev.artsched.internal.OutputLock;
import dev.artsched.scheduler.ArtException;

import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a training run writes (schedule, checkpoint, metrics): checked against the run's inputs (model, JVP
 * graph) and each other before any work, and locked for the whole run so a second run writing any of them fails
 * at once naming the first.
 */
final class RunFiles implements AutoCloseable {
    private final Deque<OutputLock> locks = new ArrayDeque<>();

    private RunFiles() {
    }

    /** The run's outputs by role (null entries skipped). */
    static Map<String, Path> outputs(Path out, Path checkpoint, Path metrics) {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("the output schedule file", out);
        if (checkpoint != null) {
            m.put("the checkpoint", checkpoint);
        }
        if (metrics != null) {
            m.put("the metrics file", metrics);
        }
        return m;
    }

    /** The run's input files by role: the ONNX model (not an analytic one) and the JVP graph. */
    static Map<String, Path> inputs(String denoiser, Path jvpGraph) {
        Map<String, Path> m = new LinkedHashMap<>();
        if (denoiser != null && !denoiser.isBlank() && !denoiser.trim().startsWith("analytic:")) {
            try {
                m.put("the model file", Path.of(denoiser.trim()));
            } catch (InvalidPathException e) {
                throw new ArtException("the model path '" + ArtException.quote(denoiser) + "' cannot be used: "
                        + "expected characters the file-name encoding can represent", e);
            }
        }
        if (jvpGraph != null) {
            m.put("the JVP graph", jvpGraph);
        }
        return m;
    }

    /** Refuses an output that is an input of the run or another output, or not a regular file. */
    static void check(Map<String, Path> outputs, Map<String, Path> inputs) {
        List<Map.Entry<String, Path>> outs = List.copyOf(outputs.entrySet());
        for (Map.Entry<String, Path> o : outs) {
            String kind = OutputFiles.kind(o.getValue());
            if (kind != null) {
                throw new ArtException(o.getKey() + " " + o.getValue() + " is " + kind + ": expected a regular file "
                        + "or a new path");
            }
            for (Map.Entry<String, Path> i : inputs.entrySet()) {
                if (OutputFiles.clobbers(o.getValue(), i.getValue())) {
                    throw new ArtException(o.getKey() + " " + o.getValue() + " is the same file as " + i.getKey()
                            + " " + i.getValue() + ": refusing to overwrite an input of this run; expected another "
                            + "path");
                }
            }
        }
        for (int a = 0; a < outs.size(); a++) {
            for (int b = a + 1; b < outs.size(); b++) {
                if (OutputFiles.sameOutput(outs.get(a).getValue(), outs.get(b).getValue())) {
                    throw new ArtException(outs.get(b).getKey() + " " + outs.get(b).getValue() + " is the same file "
                            + "as " + outs.get(a).getKey() + ": expected a separate file for each");
                }
            }
        }
    }

    /** Locks every output until {@link #close()}. */
    static RunFiles lock(Map<String, Path> outputs, String owner) {
        RunFiles r = new RunFiles();
        String who = owner != null ? owner : OutputLock.describeProcess();
        try {
            for (Map.Entry<String, Path> o : outputs.entrySet()) {
                r.locks.push(OutputLock.acquire(o.getValue(), o.getKey().replaceFirst("^the ", ""), who));
            }
        } catch (UncheckedIOException e) {
            r.close();
            throw new ArtException(e.getMessage(), e);
        }
        return r;
    }

    @Override
    public void close() {
        while (!locks.isEmpty()) {
            locks.pop().close();
        }
    }
}
