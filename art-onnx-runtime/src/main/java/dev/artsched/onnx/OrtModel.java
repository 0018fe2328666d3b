package dev.artsched.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.artsched.scheduler.ArtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One ONNX graph behind a validated signature: the session, the execution provider that actually runs, the
 * {@code art.*} metadata, and per-thread I/O slots (direct native-order buffers wrapped once in input tensors
 * and pinned output tensors). Package-private engine of {@link OnnxDenoiser} and {@link OnnxJvpDenoiser}.
 */
final class OrtModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrtModel.class);
    private static final int SLOTS_PER_THREAD = 4;

    /** Role of a tensor in the signature: a state [B, sample...] or a per-sample scalar [B]. */
    enum Role {
        STATE, SCALAR
    }

    /** A named tensor of the expected signature. */
    record Port(String name, Role role) {
        String describe() {
            return name + " float32 " + (role == Role.STATE ? "[B, ...]" : "[B]");
        }
    }

    private final String label;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final ExecutionProvider provider;
    private final String fallbackReason;
    private final List<Port> inputs;
    private final List<Port> outputs;
    private final long[] sampleShape;
    private final int sampleSize;
    private final int fixedBatch;
    private final Map<String, String> metadata;
    private final ThreadLocal<Slot[]> slots = ThreadLocal.withInitial(() -> new Slot[SLOTS_PER_THREAD]);
    private final Set<Slot> allSlots = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private OrtModel(String label, OrtSession.SessionOptions sessionOptions, OrtSession session,
                     ExecutionProvider provider, String fallbackReason, List<Port> inputs, List<Port> outputs)
            throws OrtException {
        this.label = label;
        this.env = OrtEnvironments.shared();
        this.sessionOptions = sessionOptions;
        this.session = session;
        this.provider = provider;
        this.fallbackReason = fallbackReason;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        long[] xShape = validate();
        this.sampleShape = Arrays.copyOfRange(xShape, 1, xShape.length);
        long size = 1;
        for (long d : sampleShape) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE / 2) {
            throw new ArtException("ONNX model " + label + ": expected a sample size below 2^30 floats, found "
                    + size);
        }
        this.sampleSize = (int) size;
        this.fixedBatch = xShape[0] > 0 ? (int) xShape[0] : 0;
        this.metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
    }

    /** Opens a model file; a missing, empty or unreadable/corrupt file each gets its own message. */
    static OrtModel open(Path path, OnnxOptions options, List<Port> inputs, List<Port> outputs) {
        if (path == null) {
            throw new ArtException("ONNX model path must not be null");
        }
        if (!Files.exists(path)) {
            throw new ArtException("ONNX model file not found: expected a readable .onnx file at " + path
                    + ", found nothing there");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ArtException("ONNX model " + path + ": expected a readable regular file, found "
                    + (Files.isDirectory(path) ? "a directory" : "an unreadable file"));
        }
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw new ArtException("ONNX model " + path + ": could not read its size: " + e.getMessage(), e);
        }
        if (bytes == 0) {
            throw new ArtException("ONNX model " + path + ": expected an ONNX protobuf, found an empty file (0 bytes)");
        }
        String p = path.toAbsolutePath().toString();
        return open(path.toString(), bytes, options, inputs, outputs, so -> OrtEnvironments.shared()
                .createSession(p, so));
    }

    /** Opens a model from memory; {@code label} names it in messages. */
    static OrtModel open(byte[] model, String label, OnnxOptions options, List<Port> inputs, List<Port> outputs) {
        if (model == null || model.length == 0) {
            throw new ArtException("ONNX model " + label + ": expected an ONNX protobuf, found "
                    + (model == null ? "null" : "0 bytes"));
        }
        return open(label, model.length, options, inputs, outputs, so -> OrtEnvironments.shared()
                .createSession(model, so));
    }

    @FunctionalInterface
    private interface SessionFactory {
        OrtSession create(OrtSession.SessionOptions options) throws OrtException;
    }

    private static OrtModel open(String label, long bytes, OnnxOptions options, List<Port> inputs,
                                 List<Port> outputs, SessionFactory factory) {
        ExecutionProvider requested = options.executionProvider();
        OrtSession session = null;
        OrtSession.SessionOptions so = null;
        ExecutionProvider active = ExecutionProvider.CPU;
        String fallback = null;
        if (requested.kind() != ExecutionProvider.Kind.CPU) {
            try {
                so = baseOptions(options);
                so.addCUDA(requested.device());
                session = factory.create(so);
                active = ExecutionProvider.cuda(requested.device());
            } catch (OrtException e) {
                fallback = "ORT error " + e.getCode() + ": " + firstLine(e.getMessage());
                String msg = "CUDA execution provider (device {}) did not start for {} ({}); continuing on CPU";
                if (requested.kind() == ExecutionProvider.Kind.AUTO) {
                    LOG.info(msg, requested.device(), label, fallback);
                } else {
                    LOG.warn(msg, requested.device(), label, fallback);
                }
                if (so != null) {
                    so.close();
                    so = null;
                }
            }
        }
        try {
            if (session == null) {
                so = baseOptions(options);
                session = factory.create(so);
            }
            return new OrtModel(label, so, session, active, fallback, inputs, outputs);
        } catch (OrtException e) {
            closeQuietly(session, so);
            String found = e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF
                    ? "a truncated or corrupt file" : "a graph ONNX Runtime cannot load";
            throw new ArtException("could not load ONNX model " + label + " (" + bytes + " bytes): expected a valid "
                    + "ONNX model, found " + found + " (ORT error " + e.getCode() + ": " + firstLine(e.getMessage())
                    + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(session, so);
            throw e;
        }
    }

    private static OrtSession.SessionOptions baseOptions(OnnxOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return so;
        } catch (OrtException e) {
            so.close();
            throw e;
        }
    }

    private static void closeQuietly(OrtSession session, OrtSession.SessionOptions so) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debug("closing a half-opened session failed", e);
            }
        }
        if (so != null) {
            so.close();
        }
    }

    /** The first line of an ORT message without its "Error code - X - message: " prefix. */
    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String marker = " - message: ";
        int m = s.indexOf(marker);
        if (s.startsWith("Error code - ") && m > 0) {
            s = s.substring(m + marker.length());
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Checks names, element types and ranks of every port; returns the shape of the first STATE input. */
    private long[] validate() throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        List<String> problems = new ArrayList<>();
        long[] stateShape = null;
        for (Port p : inputs) {
            long[] shape = check(p, in.get(p.name()), "input", problems);
            if (shape != null && p.role() == Role.STATE && stateShape == null) {
                stateShape = shape;
            }
        }
        for (String name : in.keySet()) {
            if (inputs.stream().noneMatch(p -> p.name().equals(name))) {
                problems.add("unexpected input '" + name + "' (no value would be fed to it)");
            }
        }
        if (stateShape != null) {
            for (Port p : inputs) {
                crossCheck(p, in.get(p.name()), stateShape, "input", problems);
            }
        }
        for (Port p : outputs) {
            long[] shape = check(p, out.get(p.name()), "output", problems);
            if (shape != null && stateShape != null) {
                crossCheck(p, out.get(p.name()), stateShape, "output", problems);
            }
        }
        if (!problems.isEmpty() || stateShape == null) {
            StringBuilder sb = new StringBuilder("ONNX model ").append(label).append(" has the wrong signature: ")
                    .append(String.join("; ", problems)).append(". Expected inputs ");
            sb.append(String.join(", ", inputs.stream().map(Port::describe).toList()));
            sb.append(" and outputs ");
            sb.append(String.join(", ", outputs.stream().map(p -> p.name() + " float32 (shape of "
                    + inputs.get(0).name() + ")").toList()));
            sb.append("; found inputs ").append(describe(in)).append(" and outputs ").append(describe(out));
            sb.append(" (tensor names can be overridden with OnnxOptions.builder().optNames(...))");
            throw new ArtException(sb.toString());
        }
        return stateShape;
    }

    private static long[] check(Port p, NodeInfo node, String kind, List<String> problems) {
        if (node == null) {
            problems.add("missing " + kind + " '" + p.name() + "'");
            return null;
        }
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo t)) {
            problems.add(kind + " '" + p.name() + "' is not a tensor");
            return null;
        }
        long[] shape = t.getShape();
        boolean ok = true;
        if (t.type != OnnxJavaType.FLOAT) {
            problems.add(kind + " '" + p.name() + "' has type " + typeName(t) + ", expected float32");
            ok = false;
        }
        if (p.role() == Role.SCALAR && shape.length != 1) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected [B]");
            ok = false;
        }
        if (p.role() == Role.STATE && shape.length < 2) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected [B, ...] (rank >= 2)");
            ok = false;
        }
        if (p.role() == Role.STATE && kind.equals("input")) {
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] <= 0) {
                    problems.add("input '" + p.name() + "' has shape " + dims(shape)
                            + ", expected fixed sample dimensions after the batch dimension");
                    ok = false;
                    break;
                }
            }
        }
        return ok ? shape : null;
    }

    private static void crossCheck(Port p, NodeInfo node, long[] state, String kind, List<String> problems) {
        if (node == null || !(node.getInfo() instanceof TensorInfo t)) {
            return;
        }
        long[] shape = t.getShape();
        if (shape.length == 0) {
            return;
        }
        boolean bothDynamic = shape[0] <= 0 && state[0] <= 0;
        if (!bothDynamic && shape[0] != state[0]) {
            problems.add(kind + " '" + p.name() + "' has batch dimension " + dim(shape[0]) + ", expected "
                    + dim(state[0]) + " like the state input");
            return;
        }
        if (p.role() != Role.STATE) {
            return;
        }
        boolean same = shape.length == state.length;
        for (int i = 1; same && i < shape.length; i++) {
            same = shape[i] <= 0 || shape[i] == state[i];
        }
        if (!same) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected the shape of x "
                    + dims(state));
        }
    }

    private static String typeName(TensorInfo t) {
        return switch (t.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> "bfloat16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
            default -> t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase();
        };
    }

    private static String dim(long d) {
        return d > 0 ? Long.toString(d) : "dynamic";
    }

    private static String dims(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i] > 0 ? Long.toString(shape[i]) : "?");
        }
        return sb.append(']').toString();
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
            ValueInfo info = e.getValue().getInfo();
            parts.put(e.getKey(), info instanceof TensorInfo t ? typeName(t) + " " + dims(t.getShape())
                    : info.toString());
        }
        List<String> list = new ArrayList<>();
        parts.forEach((k, v) -> list.add(k + " " + v));
        return list.isEmpty() ? "(none)" : String.join(", ", list);
    }

    String label() {
        return label;
    }

    ExecutionProvider provider() {
        return provider;
    }

    Optional<String> fallbackReason() {
        return Optional.ofNullable(fallbackReason);
    }

    int sampleSize() {
        return sampleSize;
    }

    long[] sampleShape() {
        return sampleShape.clone();
    }

    /** The fixed batch size of the graph, or 0 when the batch dimension is dynamic. */
    int fixedBatch() {
        return fixedBatch;
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
        return session;
    }

    /**
     * Runs the graph on {@code batch} samples: {@code in[i]} feeds input port i, {@code out[o]} receives output
     * port o. A fixed-batch graph is run in chunks of its batch size, the last chunk padded with x = 0,
     * sigma = 1 (padding results are discarded).
     */
    void run(float[] in0, float[] in1, float[] in2, float[] in3, int batch, float[] out0, float[] out1) {
        if (closed.get()) {
            throw new ArtException("ONNX model " + label + " is closed; expected an open model");
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
        int chunk = fixedBatch > 0 ? fixedBatch : batch;
        Slot slot = slot(chunk);
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
    private void invoke(Slot slot) {
        try (OrtSession.Result r = session.run(slot.inputMap, slot.outputMap)) {
            assert r.size() == outputs.size();
        } catch (OrtException e) {
            throw new ArtException("ONNX Runtime failed running model " + label + " on a batch of " + slot.batch
                    + " (ORT error " + e.getCode() + ": " + firstLine(e.getMessage()) + ")", e);
        }
    }

    private int per(Port p) {
        return p.role() == Role.STATE ? sampleSize : 1;
    }

    private void checkLength(int i, float[] a, int batch) {
        if (i >= inputs.size()) {
            return;
        }
        Port p = inputs.get(i);
        long need = (long) per(p) * batch;
        if (a == null || a.length < need) {
            throw new ArtException("input '" + p.name() + "' of " + label + ": expected " + need + " floats (batch "
                    + batch + "), found " + (a == null ? "null" : a.length));
        }
    }

    private void checkOutLength(int o, float[] a, int batch) {
        if (o >= outputs.size()) {
            return;
        }
        Port p = outputs.get(o);
        long need = (long) per(p) * batch;
        if (a == null || a.length < need) {
            throw new ArtException("output '" + p.name() + "' of " + label + ": expected room for " + need
                    + " floats (batch " + batch + "), found " + (a == null ? "null" : a.length));
        }
    }

    /** This thread's slot for a batch size, created on first use; the least recently created is evicted. */
    private Slot slot(int batch) {
        Slot[] mine = slots.get();
        for (Slot s : mine) {
            if (s != null && s.batch == batch) {
                return s;
            }
        }
        Slot fresh = new Slot(batch);
        Slot evicted = mine[mine.length - 1];
        System.arraycopy(mine, 0, mine, 1, mine.length - 1);
        mine[0] = fresh;
        if (evicted != null) {
            allSlots.remove(evicted);
            evicted.close();
        }
        allSlots.add(fresh);
        if (closed.get()) {
            allSlots.remove(fresh);
            fresh.close();
            throw new ArtException("ONNX model " + label + " is closed; expected an open model");
        }
        return fresh;
    }

    /** Closes every slot's tensors, then the session; never the shared {@link OrtEnvironment}. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Slot s : allSlots) {
            s.close();
        }
        allSlots.clear();
        slots.remove();
        try {
            session.close();
        } catch (OrtException e) {
            throw new ArtException("closing ONNX model " + label + " failed (ORT error " + e.getCode() + ": "
                    + firstLine(e.getMessage()) + ")", e);
        } finally {
            sessionOptions.close();
        }
    }

    /** Direct buffers and the tensors over them for one batch size, used by one thread at a time. */
    private final class Slot {
        final int batch;
        final FloatBuffer[] inBuf;
        final FloatBuffer[] outBuf;
        final OnnxTensor[] tensors;
        final Map<String, OnnxTensor> inputMap = new HashMap<>();
        final Map<String, OnnxTensor> outputMap = new HashMap<>();

        Slot(int batch) {
            this.batch = batch;
            this.inBuf = new FloatBuffer[inputs.size()];
            this.outBuf = new FloatBuffer[outputs.size()];
            this.tensors = new OnnxTensor[inputs.size() + outputs.size()];
            try {
                for (int i = 0; i < inputs.size(); i++) {
                    Port p = inputs.get(i);
                    inBuf[i] = buffer(p);
                    tensors[i] = OnnxTensor.createTensor(env, inBuf[i], shape(p));
                    inputMap.put(p.name(), tensors[i]);
                }
                for (int o = 0; o < outputs.size(); o++) {
                    Port p = outputs.get(o);
                    outBuf[o] = buffer(p);
                    tensors[inputs.size() + o] = OnnxTensor.createTensor(env, outBuf[o], shape(p));
                    outputMap.put(p.name(), tensors[inputs.size() + o]);
                }
            } catch (OrtException e) {
                close();
                throw new ArtException("could not allocate tensors of batch " + batch + " for " + label + " (ORT error "
                        + e.getCode() + ": " + firstLine(e.getMessage()) + ")", e);
            }
        }

        private FloatBuffer buffer(Port p) {
            long n = (long) per(p) * batch;
            if (n * Float.BYTES > Integer.MAX_VALUE) {
                throw new ArtException("batch " + batch + " of " + label + " needs " + n * Float.BYTES
                        + " bytes for '" + p.name() + "', expected at most 2^31 - 1");
            }
            return ByteBuffer.allocateDirect((int) n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        private long[] shape(Port p) {
            if (p.role() == Role.SCALAR) {
                return new long[] {batch};
            }
            long[] s = new long[sampleShape.length + 1];
            s[0] = batch;
            System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
            return s;
        }

        void load(int i, float[] src, int start, int m) {
            if (i >= inBuf.length) {
                return;
            }
            Port p = inputs.get(i);
            int per = per(p);
            FloatBuffer b = inBuf[i];
            b.put(0, src, start * per, m * per);
            if (m < batch) {
                float pad = p.role() == Role.SCALAR ? 1f : 0f;
                for (int j = m * per, e = batch * per; j < e; j++) {
                    b.put(j, pad);
                }
            }
        }

        void store(int o, float[] dst, int start, int m) {
            if (o >= outBuf.length) {
                return;
            }
            int per = per(outputs.get(o));
            outBuf[o].get(0, dst, start * per, m * per);
        }

        /**
         * Closes the tensors and drops the direct buffers: a thread that used this model may keep its stale
         * ThreadLocal entry (and so this slot) alive long after close, and the buffers' native memory is only
         * freed once they are unreachable.
         */
        void close() {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
            java.util.Arrays.fill(tensors, null);
            java.util.Arrays.fill(inBuf, null);
            java.util.Arrays.fill(outBuf, null);
            inputMap.clear();
            outputMap.clear();
        }
    }
}
