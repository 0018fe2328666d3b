package dev.artsched.eval;

import dev.artsched.onnx.OnnxWriter.Proto;

/**
 * Writes tiny ONNX models for tests with a minimal protobuf encoder: input {@code x} float [B, d], outputs
 * {@code logits} = x (Identity, listed first) and {@code features} = x W (MatMul with an initializer W [d, f]), with
 * the main code's protobuf encoder ({@link dev.artsched.onnx.OnnxWriter.Proto}).
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
}
