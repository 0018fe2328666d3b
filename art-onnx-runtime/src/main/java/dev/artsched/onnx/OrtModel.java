package dev.artsched.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one wrapper of an ONNX graph: the session and its options (from {@link OrtSessions}), the execution provider
 * that actually runs, the {@code art.*} metadata, a signature checked at load and per-thread {@link IoSlots}.
 * Package-private engine of the denoiser, JVP-graph, timestep-model and feature-graph views; each view supplies
 * its signature check and its wording of failures ({@link OrtErrors}).
 */
final class OrtModel implements AutoCloseable {

    /** A view's signature check, run on the freshly opened session. */
    @FunctionalInterface
    interface SignatureCheck {
        OrtLayout check(OrtSession session) throws OrtException;
    }

    private final String label;
    private final OrtSessions.Opened opened;
    private final OrtErrors errors;
    private final Map<String, String> metadata;
    private final OrtLayout layout;
    private final IoSlots slots;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether runs take the general path (conditioning inputs, or inputs shared by the batch). */
    private final boolean general;

    private OrtModel(String label, OrtSessions.Opened opened, OrtErrors errors, OrtLayout layout) throws OrtException {
        this.label = label;
        this.opened = opened;
        this.errors = errors;
        this.layout = layout;
        this.general = layout.hasShared() || !layout.conditioning().isEmpty();
        this.metadata = Map.copyOf(opened.session().getMetadata().getCustomMetadata());
        this.slots = new IoSlots(OrtEnvironments.shared(), label, layout.inputs(), layout.outputs());
    }

    /**
     * Opens a graph, runs the view's signature check and returns the checked model; on any failure closes what was
     * opened and throws an {@link ArtException} ({@link OrtErrors#loadFailed} for ONNX Runtime's own errors).
     */
    static OrtModel open(String label, OnnxOptions options, OrtSessions.Source source, SignatureCheck check,
                         OrtErrors errors) {
        OrtSessions.Opened opened;
        try {
            opened = OrtSessions.open(label, options, source);
        } catch (OrtException e) {
            throw errors.loadFailed(e);
        }
        try {
            return new OrtModel(label, opened, errors, check.check(opened.session()));
        } catch (OrtException e) {
            opened.closeQuietly();
            throw errors.loadFailed(e);
        } catch (RuntimeException e) {
            opened.closeQuietly();
            throw e;
        }
    }

    /** Opens a denoiser-style model file; a missing, empty and unreadable or corrupt file each get a message. */
    static OrtModel open(Path path, OnnxOptions options, List<OrtSignature.Port> inputs,
                         List<OrtSignature.Port> outputs) {
        long bytes = OrtSessions.checkFile(path);
        String label = path.toString();
        return open(label, options, OrtSessions.Source.file(path),
                session -> OrtSignature.check(label, session, inputs, outputs), OrtErrors.standard(label, bytes));
    }

    /**
     * Opens a conditional denoiser-style model file: the ports as in {@link #open(Path, OnnxOptions, List, List)},
     * every other input a conditioning input.
     */
    static OrtModel openConditional(Path path, OnnxOptions options, List<OrtSignature.Port> inputs,
                                    List<OrtSignature.Port> outputs) {
        long bytes = OrtSessions.checkFile(path);
        String label = path.toString();
        return open(label, options, OrtSessions.Source.file(path),
                session -> OrtSignature.check(label, session, inputs, outputs, true), OrtErrors.standard(label, bytes));
    }

    /** Opens a denoiser-style model from memory; {@code label} names it in messages. */
    static OrtModel open(byte[] model, String label, OnnxOptions options, List<OrtSignature.Port> inputs,
                         List<OrtSignature.Port> outputs) {
        if (model == null || model.length == 0) {
            throw new ArtException("ONNX model " + label + ": expected an ONNX protobuf, found "
                    + (model == null ? "null" : "0 bytes"));
        }
        return open(label, options, OrtSessions.Source.bytes(model),
                session -> OrtSignature.check(label, session, inputs, outputs),
                OrtErrors.standard(label, model.length));
    }

    String label() {
        return label;
    }

    ExecutionProvider provider() {
        return opened.provider();
    }

    Optional<String> fallbackReason() {
        return Optional.ofNullable(opened.fallbackReason());
    }

    /** Elements of one sample of input 0. */
    int sampleSize() {
        return layout.inputs().get(0).perSample();
    }

    /** The shape of one sample of input 0 (without the batch dimension). */
    long[] sampleShape() {
        return layout.inputs().get(0).sampleDims().clone();
    }

    /** The conditioning inputs the graph declares (empty for an unconditional graph). */
    List<CondSpec> conditioningInputs() {
        return layout.conditioningSpecs();
    }

    /** The element type of input {@code i}. */
    OnnxJavaType inputType(int i) {
        return layout.inputs().get(i).type();
    }

    /** Elements per sample of output {@code o}. */
    int outputSize(int o) {
        return layout.outputs().get(o).perSample();
    }

    /** The fixed batch size of the graph, or 0 when the batch dimension is dynamic. */
    int fixedBatch() {
        return layout.fixedBatch();
    }

    boolean isClosed() {
        return closed.get();
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** Parses a numeric metadata entry ({@code art.sigma_min} ...). */
    OptionalDouble number(String key) {
        String v = metadata.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return OptionalDouble.of(d);
        } catch (NumberFormatException e) {
            throw new ArtException("ONNX model " + label + ": metadata " + key
                    + " expected a finite number >= 0, found '" + v + "'");
        }
    }

    /** The underlying session (shared, thread-safe); for benchmarks and advanced callers. */
    OrtSession session() {
        return opened.session();
    }

    /**
     * Runs the graph on {@code batch} samples: {@code in}i feeds input i, {@code out}o receives output o (arrays
     * past the graph's ports are ignored and may be null). A fixed-batch graph is run in chunks of its batch size,
     * the last chunk padded (x = 0, sigma = 1; padding results are discarded).
     */
    void run(float[] in0, float[] in1, float[] in2, float[] in3, int batch, float[] out0, float[] out1) {
        if (general) {
            run(in0, in1, in2, in3, null, null, batch, out0, out1);
            return;
        }
        if (closed.get()) {
            throw errors.closed();
        }
        if (batch < 1) {
            throw new ArtException("batch must be >= 1, found " + batch);
        }
        checkLength(0, in0, batch);
        checkLength(1, in1, batch);
        checkLength(2, in2, batch);
        checkLength(3, in3, batch);
        checkOutLength(0, out0, batch);
        checkOutLength(1, out1, batch);
        int chunk = layout.fixedBatch() > 0 ? layout.fixedBatch() : batch;
        IoSlots.Slot slot = slots.slot(chunk);
        if (closed.get()) {
            slots.discard(slot);
            throw errors.closed();
        }
        for (int start = 0; start < batch; start += chunk) {
            int m = Math.min(chunk, batch - start);
            slot.load(0, in0, start, m);
            slot.load(1, in1, start, m);
            slot.load(2, in2, start, m);
            slot.load(3, in3, start, m);
            invoke(slot);
            slot.store(0, out0, start, m);
            slot.store(1, out1, start, m);
        }
    }

    /** One session run over a slot's pinned tensors; kept small so the JIT can inline ORT's run into it. */
    private void invoke(IoSlots.Slot slot) {
        invoke(slot.inputMap, slot.outputMap, slot.batch);
    }

    private void invoke(Map<String, OnnxTensor> in, Map<String, OnnxTensor> out, int batch) {
        try (OrtSession.Result r = opened.session().run(in, out)) {
            assert r.size() == layout.outputs().size();
        } catch (OrtException e) {
            throw errors.runFailed(e, batch);
        }
    }

    /**
     * As {@link #run(float[], float[], float[], float[], int, float[], float[])} for a conditional graph: sample b
     * feeds row {@code rows[b]} of {@code table} (bound to {@link #conditioningInputs()}) to the conditioning
     * inputs. Conditioning tensors are created per call. An input shared by the batch (rank 0 or a leading 1) is
     * fed one row per run: the batch is split into runs of consecutive samples with equal rows for it.
     */
    void run(float[] in0, float[] in1, float[] in2, float[] in3, Conditioning table, int[] rows, int batch,
             float[] out0, float[] out1) {
        List<OrtLayout.CondPort> ports = layout.conditioning();
        if (!general) {
            run(in0, in1, in2, in3, batch, out0, out1);
            return;
        }
        if (closed.get()) {
            throw errors.closed();
        }
        if (batch < 1) {
            throw new ArtException("batch must be >= 1, found " + batch);
        }
        if (!ports.isEmpty() && (table == null
                || !table.names().equals(ports.stream().map(p -> p.spec().name()).toList()))) {
            throw new ArtException("ONNX model " + label + " declares conditioning inputs "
                    + layout.conditioningSpecs() + ": expected a conditioning set bound to them, found "
                    + (table == null ? "none" : table.names()));
        }
        if (!ports.isEmpty() && (rows == null || rows.length < batch)) {
            throw new ArtException("ONNX model " + label + ": expected " + batch + " conditioning rows, found "
                    + (rows == null ? "null" : rows.length));
        }
        for (int b = 0; !ports.isEmpty() && b < batch; b++) {
            if (rows[b] < 0 || rows[b] >= table.rows()) {
                throw new ArtException("ONNX model " + label + ": conditioning row of sample " + b + " expected in 0.."
                        + (table.rows() - 1) + ", found " + rows[b]);
            }
        }
        checkLength(0, in0, batch);
        checkLength(1, in1, batch);
        checkLength(2, in2, batch);
        checkLength(3, in3, batch);
        checkOutLength(0, out0, batch);
        checkOutLength(1, out1, batch);
        int fixed = layout.fixedBatch();
        for (int start = 0; start < batch; ) {
            int limit = fixed > 0 ? Math.min(fixed, batch - start) : batch - start;
            int m = 1;
            float[][] in = {in0, in1, in2, in3};
            while (m < limit && sharedInputsEqual(in, start, start + m)
                    && (ports.isEmpty() || sharedRowsEqual(ports, table, rows[start], rows[start + m]))) {
                m++;
            }
            int slotBatch = fixed > 0 ? fixed : m;
            IoSlots.Slot slot = slots.slot(slotBatch);
            if (closed.get()) {
                slots.discard(slot);
                throw errors.closed();
            }
            slot.load(0, in0, start, m);
            slot.load(1, in1, start, m);
            slot.load(2, in2, start, m);
            slot.load(3, in3, start, m);
            Map<String, OnnxTensor> feed = new HashMap<>(slot.inputMap);
            List<OnnxTensor> made = new ArrayList<>();
            try {
                for (int i = 0; i < ports.size(); i++) {
                    OnnxTensor t = CondTensors.create(OrtEnvironments.shared(), ports.get(i), table.arrays().get(i),
                            rows, start, m, slotBatch, label);
                    made.add(t);
                    feed.put(ports.get(i).spec().name(), t);
                }
                invoke(feed, slot.outputMap, slotBatch);
            } finally {
                for (OnnxTensor t : made) {
                    t.close();
                }
            }
            slot.store(0, out0, start, m);
            slot.store(1, out1, start, m);
            start += m;
        }
    }

    /** Whether samples a and b have the same values in every input shared by the batch. */
    private boolean sharedInputsEqual(float[][] in, int a, int b) {
        List<IoSlots.Spec> specs = layout.inputs();
        for (int i = 0; i < specs.size() && i < in.length; i++) {
            IoSlots.Spec p = specs.get(i);
            if (p.shared()) {
                int per = p.perSample();
                if (!java.util.Arrays.equals(in[i], a * per, a * per + per, in[i], b * per, b * per + per)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sharedRowsEqual(List<OrtLayout.CondPort> ports, Conditioning table, int a, int b) {
        for (int i = 0; i < ports.size(); i++) {
            if (!ports.get(i).spec().batched() && !table.arrays().get(i).sameRow(a, b)) {
                return false;
            }
        }
        return true;
    }

    private void checkLength(int i, float[] a, int batch) {
        if (i >= layout.inputs().size()) {
            return;
        }
        IoSlots.Spec p = layout.inputs().get(i);
        long need = (long) p.perSample() * batch;
        if (a == null || a.length < need) {
            throw new ArtException("input '" + p.name() + "' of " + label + ": expected " + need + " floats (batch "
                    + batch + "), found " + (a == null ? "null" : a.length));
        }
    }

    private void checkOutLength(int o, float[] a, int batch) {
        if (o >= layout.outputs().size()) {
            return;
        }
        IoSlots.Spec p = layout.outputs().get(o);
        long need = (long) p.perSample() * batch;
        if (a == null || a.length < need) {
            throw new ArtException("output '" + p.name() + "' of " + label + ": expected room for " + need
                    + " floats (batch " + batch + "), found " + (a == null ? "null" : a.length));
        }
    }

    /**
     * Closes in reverse order of opening: every slot's tensors, the session, then its options; never the shared
     * {@link OrtEnvironment}. Idempotent; must not race with running calls.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        slots.closeAll();
        try {
            opened.close();
        } catch (OrtException e) {
            throw errors.closeFailed(e);
        }
    }
}
