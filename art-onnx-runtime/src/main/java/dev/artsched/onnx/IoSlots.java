package dev.artsched.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.artsched.scheduler.ArtException;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-thread I/O slots of one graph: for each (thread, batch size) direct native-order buffers wrapped once in
 * input tensors and pinned output tensors, so a steady-state run allocates (almost) nothing on the Java heap.
 * Up to {@link #SLOTS_PER_THREAD} batch sizes per thread; the least recently created slot is evicted.
 */
final class IoSlots {
    static final int SLOTS_PER_THREAD = 4;

    /**
     * One tensor fed from or read into a flat {@code float[]}: name, element type (inputs may be float32,
     * float64, int32 or int64, which get the floats rounded; outputs are float32), the dimensions of one
     * sample (empty for a per-sample scalar) and the value padding a short chunk of a fixed-batch graph.
     */
    record Spec(String name, OnnxJavaType type, long[] sampleDims, float pad, boolean shared) {
        Spec {
            sampleDims = sampleDims.clone();
        }

        /** A per-sample tensor [B, sampleDims...]. */
        Spec(String name, OnnxJavaType type, long[] sampleDims, float pad) {
            this(name, type, sampleDims, pad, false);
        }

        /**
         * A tensor shared by the batch: its shape is {@code sampleDims} (rank 0, or [1]) and one call feeds it the
         * value of the chunk's first sample (callers run samples with equal values together).
         */
        static Spec shared(String name, OnnxJavaType type, long[] dims) {
            return new Spec(name, type, dims, 1f, true);
        }

        /** Elements per sample. */
        int perSample() {
            long n = 1;
            for (long d : sampleDims) {
                n *= d;
            }
            return (int) n;
        }

        long[] shape(int batch) {
            if (shared) {
                return sampleDims.clone();
            }
            long[] s = new long[sampleDims.length + 1];
            s[0] = batch;
            System.arraycopy(sampleDims, 0, s, 1, sampleDims.length);
            return s;
        }
    }

    private final OrtEnvironment env;
    private final String label;
    private final List<Spec> inputs;
    private final List<Spec> outputs;
    private final ThreadLocal<Slot[]> slots = ThreadLocal.withInitial(() -> new Slot[SLOTS_PER_THREAD]);
    private final Set<Slot> allSlots = ConcurrentHashMap.newKeySet();

    IoSlots(OrtEnvironment env, String label, List<Spec> inputs, List<Spec> outputs) {
        this.env = env;
        this.label = label;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        for (Spec o : outputs) {
            if (o.type() != OnnxJavaType.FLOAT) {
                throw new ArtException("output '" + o.name() + "' of " + label + ": expected float32, found "
                        + o.type());
            }
        }
    }

    List<Spec> inputs() {
        return inputs;
    }

    List<Spec> outputs() {
        return outputs;
    }

    /** This thread's slot for a batch size, created on first use. */
    Slot slot(int batch) {
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
        return fresh;
    }

    /** Drops a slot created while the owner was being closed. */
    void discard(Slot slot) {
        allSlots.remove(slot);
        slot.close();
    }

    /** Closes every slot's tensors (of every thread). */
    void closeAll() {
        for (Slot s : allSlots) {
            s.close();
        }
        allSlots.clear();
        slots.remove();
    }

    /** Direct buffers and the tensors over them for one batch size, used by one thread at a time. */
    final class Slot {
        final int batch;
        private final Buffer[] inBuf;
        private final FloatBuffer[] outBuf;
        private final OnnxTensor[] tensors;
        final Map<String, OnnxTensor> inputMap = new HashMap<>();
        final Map<String, OnnxTensor> outputMap = new HashMap<>();

        Slot(int batch) {
            this.batch = batch;
            this.inBuf = new Buffer[inputs.size()];
            this.outBuf = new FloatBuffer[outputs.size()];
            this.tensors = new OnnxTensor[inputs.size() + outputs.size()];
            try {
                for (int i = 0; i < inputs.size(); i++) {
                    Spec p = inputs.get(i);
                    inBuf[i] = buffer(p);
                    tensors[i] = tensor(inBuf[i], p.shape(batch));
                    inputMap.put(p.name(), tensors[i]);
                }
                for (int o = 0; o < outputs.size(); o++) {
                    Spec p = outputs.get(o);
                    outBuf[o] = (FloatBuffer) buffer(p);
                    tensors[inputs.size() + o] = OnnxTensor.createTensor(env, outBuf[o], p.shape(batch));
                    outputMap.put(p.name(), tensors[inputs.size() + o]);
                }
            } catch (OrtException e) {
                close();
                throw new ArtException("could not allocate tensors of batch " + batch + " for " + label + " ("
                        + OrtErrors.describe(e) + ")", e);
            }
        }

        private Buffer buffer(Spec p) {
            int width = p.type() == OnnxJavaType.DOUBLE || p.type() == OnnxJavaType.INT64 ? 8 : 4;
            long bytes = (long) p.perSample() * (p.shared() ? 1 : batch) * width;
            if (bytes > Integer.MAX_VALUE) {
                throw new ArtException("batch " + batch + " of " + label + " needs " + bytes + " bytes for '"
                        + p.name() + "', expected at most 2^31 - 1");
            }
            ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
            return switch (p.type()) {
                case DOUBLE -> b.asDoubleBuffer();
                case INT64 -> b.asLongBuffer();
                case INT32 -> b.asIntBuffer();
                default -> b.asFloatBuffer();
            };
        }

        private OnnxTensor tensor(Buffer b, long[] shape) throws OrtException {
            if (b instanceof DoubleBuffer d) {
                return OnnxTensor.createTensor(env, d, shape);
            }
            if (b instanceof LongBuffer l) {
                return OnnxTensor.createTensor(env, l, shape);
            }
            if (b instanceof IntBuffer i) {
                return OnnxTensor.createTensor(env, i, shape);
            }
            return OnnxTensor.createTensor(env, (FloatBuffer) b, shape);
        }

        /** Copies samples [start, start + m) of {@code src} into input i; pads the rest of the chunk. */
        void load(int i, float[] src, int start, int m) {
            if (i >= inBuf.length) {
                return;
            }
            Spec p = inputs.get(i);
            int per = p.perSample();
            int from = start * per;
            int n = p.shared() ? per : m * per;
            int end = p.shared() ? per : batch * per;
            Buffer buf = inBuf[i];
            if (buf instanceof FloatBuffer b) {
                b.put(0, src, from, n);
                for (int j = n; j < end; j++) {
                    b.put(j, p.pad());
                }
            } else if (buf instanceof DoubleBuffer b) {
                for (int j = 0; j < end; j++) {
                    b.put(j, j < n ? src[from + j] : p.pad());
                }
            } else if (buf instanceof LongBuffer b) {
                for (int j = 0; j < end; j++) {
                    b.put(j, Math.round(j < n ? src[from + j] : p.pad()));
                }
            } else {
                IntBuffer b = (IntBuffer) buf;
                for (int j = 0; j < end; j++) {
                    b.put(j, Math.round(j < n ? src[from + j] : p.pad()));
                }
            }
        }

        /** Copies samples [0, m) of output o to samples [start, start + m) of {@code dst}. */
        void store(int o, float[] dst, int start, int m) {
            if (o >= outBuf.length) {
                return;
            }
            int per = outputs.get(o).perSample();
            outBuf[o].get(0, dst, start * per, m * per);
        }

        /**
         * Closes the tensors and drops the direct buffers: a thread that used the model may keep its stale
         * ThreadLocal entry (and so this slot) alive long after close, and the buffers' native memory is only
         * freed once they are unreachable.
         */
        void close() {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
            Arrays.fill(tensors, null);
            Arrays.fill(inBuf, null);
            Arrays.fill(outBuf, null);
            inputMap.clear();
            outputMap.clear();
        }
    }
}
