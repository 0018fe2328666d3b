package dev.artsched.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small ONNX models (opset 13) from Java with a minimal protobuf encoder: float32 and int64 initializers,
 * nodes with int, ints and float attributes, float32 graph inputs and outputs whose dimension -1 is the symbolic
 * batch, and {@code metadata_props}. Enough for the policy graphs exported here (Gemm, MatMul, Add, Mul, Tanh,
 * Sigmoid, Relu, Conv, Flatten, Reshape, Concat); not a general ONNX library. Not thread-safe.
 */
public final class OnnxWriter {
    private final List<Proto> nodes = new ArrayList<>();
    private final List<Proto> initializers = new ArrayList<>();
    private final List<Proto> inputs = new ArrayList<>();
    private final List<Proto> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    /** A float32 initializer of the given dims (row-major values). */
    public OnnxWriter floats(String name, long[] dims, float[] values) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1).string(8, name);
        Proto raw = new Proto();
        for (float v : values) {
            raw.rawInt(Float.floatToIntBits(v), 4);
        }
        initializers.add(t.bytes(9, raw.toBytes()));
        return this;
    }

    /** An int64 initializer (1-D). */
    public OnnxWriter longs(String name, long... values) {
        Proto raw = new Proto();
        for (long v : values) {
            raw.rawInt(v, 8);
        }
        initializers.add(new Proto().varint(1, values.length).varint(2, 7).string(8, name).bytes(9, raw.toBytes()));
        return this;
    }

    /** A node; {@code attributes} values are Long, long[] or Float. */
    public OnnxWriter node(String op, List<String> in, String out, Map<String, Object> attributes) {
        Proto n = new Proto();
        for (String i : in) {
            n.string(1, i);
        }
        n.string(2, out).string(3, op.toLowerCase(java.util.Locale.ROOT) + "_" + counter++).string(4, op);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            Proto attr = new Proto().string(1, a.getKey());
            if (a.getValue() instanceof Long v) {
                attr.varint(3, v).varint(20, 2);
            } else if (a.getValue() instanceof long[] v) {
                for (long x : v) {
                    attr.varint(8, x);
                }
                attr.varint(20, 7);
            } else if (a.getValue() instanceof Float v) {
                attr.rawFloatField(2, v).varint(20, 1);
            } else {
                throw new IllegalArgumentException("attribute " + a.getKey() + ": unsupported " + a.getValue());
            }
            n.message(5, attr);
        }
        nodes.add(n);
        return this;
    }

    /** A node without attributes. */
    public OnnxWriter node(String op, List<String> in, String out) {
        return node(op, in, out, Map.of());
    }

    /** A float32 graph input; a dimension of -1 is the symbolic batch. */
    public OnnxWriter input(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    /** A float32 graph output; a dimension of -1 is the symbolic batch. */
    public OnnxWriter output(String name, long... dims) {
        outputs.add(valueInfo(name, dims));
        return this;
    }

    /** A {@code metadata_props} entry. */
    public OnnxWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The serialised ModelProto. */
    public byte[] toBytes(String graphName) {
        Proto graph = new Proto();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        Proto model = new Proto().varint(1, 8).string(2, "art-scheduler").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13));
        metadata.forEach((k, v) -> model.message(14, new Proto().string(1, k).string(2, v)));
        return model.toBytes();
    }

    private static Proto valueInfo(String name, long[] dims) {
        Proto shape = new Proto();
        for (long d : dims) {
            shape.message(1, d < 0 ? new Proto().string(2, "batch") : new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf wire-format writer: varint, 32-bit and length-delimited fields. */
    public static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        /** A varint field. */
        public Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        /** A length-delimited field. */
        public Proto bytes(int field, byte[] value) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        /** A UTF-8 string field. */
        public Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        /** An embedded message field. */
        public Proto message(int field, Proto value) {
            return bytes(field, value.toBytes());
        }

        /** A 32-bit float field. */
        public Proto rawFloatField(int field, float v) {
            writeVarint(((long) field << 3) | 5);
            return rawInt(Float.floatToIntBits(v), 4);
        }

        /** Raw little-endian bytes of a float (for raw_data payloads). */
        public Proto rawFloat(float v) {
            return rawInt(Float.floatToIntBits(v), 4);
        }

        /** Raw little-endian {@code bytes} bytes of {@code v}. */
        public Proto rawInt(long v, int bytes) {
            for (int i = 0; i < bytes; i++) {
                out.write((int) ((v >>> (8 * i)) & 0xff));
            }
            return this;
        }

        /** The bytes written so far. */
        public byte[] toBytes() {
            return out.toByteArray();
        }

        private void writeVarint(long v) {
            while ((v & ~0x7fL) != 0) {
                out.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
