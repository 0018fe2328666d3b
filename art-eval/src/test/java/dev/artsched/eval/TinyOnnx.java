package dev.artsched.eval;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes tiny ONNX models for tests with a minimal protobuf encoder: input {@code x} float [B, d], outputs
 * {@code logits} = x (Identity, listed first) and {@code features} = x W (MatMul with an initializer W [d, f]).
 */
public final class TinyOnnx {
    private TinyOnnx() {
    }

    /** The serialised model for weights {@code w} (d rows of f columns). */
    public static byte[] matMulModel(float[][] w) {
        int d = w.length;
        int f = w[0].length;
        Proto tensor = new Proto().varint(1, d).varint(1, f).varint(2, 1).string(8, "W");
        Proto raw = new Proto();
        for (float[] row : w) {
            for (float v : row) {
                raw.rawFloat(v);
            }
        }
        tensor.bytes(9, raw.toBytes());
        Proto matMul = new Proto().string(1, "x").string(1, "W").string(2, "features").string(3, "mm")
                .string(4, "MatMul");
        Proto identity = new Proto().string(1, "x").string(2, "logits").string(3, "id").string(4, "Identity");
        Proto graph = new Proto().message(1, identity).message(1, matMul).string(2, "tiny")
                .message(5, tensor)
                .message(11, valueInfo("x", d))
                .message(12, valueInfo("logits", d))
                .message(12, valueInfo("features", f));
        Proto opset = new Proto().string(1, "").varint(2, 13);
        return new Proto().varint(1, 8).string(2, "art-test").message(7, graph).message(8, opset).toBytes();
    }

    private static Proto valueInfo(String name, int width) {
        Proto shape = new Proto().message(1, new Proto().string(2, "batch")).message(1, new Proto().varint(1, width));
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf wire-format writer (varint and length-delimited fields only); other modules' tests build graphs with it. */
    public static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        public Proto bytes(int field, byte[] value) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        public Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        public Proto message(int field, Proto value) {
            return bytes(field, value.toBytes());
        }

        public Proto rawFloat(float v) {
            int bits = Float.floatToIntBits(v);
            for (int i = 0; i < 4; i++) {
                out.write((bits >>> (8 * i)) & 0xff);
            }
            return this;
        }

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
