package dev.artsched.cli;

import dev.artsched.onnx.OnnxWriter.Proto;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes small ONNX denoisers and JVP graphs for hostile-input tests with a minimal protobuf encoder:
 * {@code denoised = x * scale} (sigma unused) and, for a JVP graph, {@code denoised_tangent = x_tangent * tangentScale}
 * (correct when the two scales are equal). Every part of the signature can be made wrong.
 */
final class TestGraphs {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int DOUBLE = 11;

    /** What to build; the defaults give a valid 2-D denoiser. */
    static final class Spec {
        String x = "x";
        String sigma = "sigma";
        String out = "denoised";
        String xTangent = "x_tangent";
        String sigmaTangent = "sigma_tangent";
        String outTangent = "denoised_tangent";
        int xType = FLOAT;
        int sigmaType = FLOAT;
        int dim = 2;
        int xRank = 2;
        int sigmaRank = 1;
        /** null: dynamic batch. */
        Integer fixedBatch;
        int declaredOutWidth = 2;
        float scale = 0.5f;
        /** null: no JVP outputs (a denoiser); else the tangent's scale. */
        Float tangentScale;
        Map<String, String> metadata = new LinkedHashMap<>(Map.of("art.sigma_min", "0.002", "art.sigma_max", "3.0"));
    }

    private TestGraphs() {
    }

    static byte[] build(Spec s) {
        Proto graph = new Proto();
        graph.message(1, node("Mul", s.x, "C", s.out, "mul"));
        graph.string(2, "hostile");
        graph.message(5, scalar("C", s.scale));
        graph.message(11, valueInfo(s.x, s.xType, xDims(s, s.dim)));
        graph.message(11, valueInfo(s.sigma, s.sigmaType, s.sigmaRank == 1 ? new Object[] {batch(s)}
                : new Object[] {batch(s), 1}));
        if (s.tangentScale != null) {
            graph.message(1, node("Mul", s.xTangent, "T", s.outTangent, "tmul"));
            graph.message(5, scalar("T", s.tangentScale));
            graph.message(11, valueInfo(s.xTangent, s.xType, xDims(s, s.dim)));
            graph.message(11, valueInfo(s.sigmaTangent, s.sigmaType, new Object[] {batch(s)}));
        }
        graph.message(12, valueInfo(s.out, s.xType, xDims(s, s.declaredOutWidth)));
        if (s.tangentScale != null) {
            graph.message(12, valueInfo(s.outTangent, s.xType, xDims(s, s.declaredOutWidth)));
        }
        Proto model = new Proto().varint(1, 8).string(2, "art-test").message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 13));
        for (Map.Entry<String, String> e : s.metadata.entrySet()) {
            model.message(14, new Proto().string(1, e.getKey()).string(2, e.getValue()));
        }
        return model.toBytes();
    }

    private static Object batch(Spec s) {
        return s.fixedBatch == null ? "batch" : s.fixedBatch;
    }

    private static Object[] xDims(Spec s, int width) {
        return switch (s.xRank) {
            case 1 -> new Object[] {batch(s)};
            case 3 -> new Object[] {batch(s), width, 1};
            default -> new Object[] {batch(s), width};
        };
    }

    private static Proto node(String op, String a, String b, String out, String name) {
        return new Proto().string(1, a).string(1, b).string(2, out).string(3, name).string(4, op);
    }

    private static Proto scalar(String name, float v) {
        return new Proto().varint(2, FLOAT).string(8, name).bytes(9, new Proto().rawFloat(v).toBytes());
    }

    private static Proto valueInfo(String name, int type, Object[] dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof Integer i ? new Proto().varint(1, i) : new Proto().string(2, (String) d));
        }
        Proto tensorType = new Proto().varint(1, type).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }
}
