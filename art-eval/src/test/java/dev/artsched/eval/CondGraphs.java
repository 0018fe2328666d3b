package dev.artsched.eval;

import dev.artsched.onnx.OnnxWriter.Proto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Tiny conditional ONNX graphs for tests (protobuf written with {@link dev.artsched.onnx.OnnxWriter.Proto}): the exact denoiser of the
 * class-conditional data N(mu_c, I) with mu_c = c v, D(x; s, c) = mu_c + (x - mu_c) / (1 + s^2), and its JVP
 * graph; variants take the mean from a float embedding [B, L, d] (mu = mean over L) and scale it by an input shared
 * by the batch (rank 0). Also an SD-like raw network with the diffusers UNet signature.
 */
public final class CondGraphs {
    /** ONNX element types. */
    public static final int FLOAT = 1;
    /** ONNX float16. */
    public static final int FLOAT16 = 10;
    /** ONNX int32. */
    public static final int INT32 = 6;
    /** ONNX int64. */
    public static final int INT64 = 7;

    private CondGraphs() {
    }

    /** How the class mean is fed. */
    public enum Mean {
        /** {@code class_labels} int64 [B]: mu = c v. */
        LABELS,
        /** {@code class_labels} int32 [B]: mu = c v. */
        LABELS_INT32,
        /** {@code emb} float32 [B, L, d]: mu = mean over L. */
        EMBEDDING,
        /** {@code emb} float16 [B, L, d]: mu = mean over L (in float32). */
        EMBEDDING_FLOAT16,
        /** {@code class_labels} int64 [B] and {@code scale} float32 rank 0: mu = scale * c v. */
        LABELS_SHARED_SCALE
    }

    /** The exact class-conditional Gaussian denoiser (and, with {@code jvp}, its JVP graph) for mean vector v. */
    public static byte[] gaussian(float[] v, Mean mean, int embLength, boolean jvp, Map<String, String> metadata) {
        int d = v.length;
        Proto g = new Proto();
        g.string(2, "cond");
        g.message(5, floats("V", new long[] {d}, v));
        g.message(5, floats("ONE", new long[0], new float[] {1}));
        g.message(5, floats("MINUS_TWO", new long[0], new float[] {-2}));
        g.message(5, longs("AX1", new long[] {1}, new long[] {1}));
        g.message(11, valueInfo("x", FLOAT, "B", d));
        g.message(11, valueInfo("sigma", FLOAT, "B"));
        switch (mean) {
            case EMBEDDING -> {
                g.message(11, valueInfo("emb", FLOAT, "B", embLength, d));
                g.message(1, node("ReduceMean", new String[] {"emb"}, "mu", attrInts("axes", 1), attrInt("keepdims", 0)));
            }
            case EMBEDDING_FLOAT16 -> {
                g.message(11, valueInfo("emb", FLOAT16, "B", embLength, d));
                g.message(1, node("Cast", new String[] {"emb"}, "embf", attrInt("to", FLOAT)));
                g.message(1, node("ReduceMean", new String[] {"embf"}, "mu", attrInts("axes", 1),
                        attrInt("keepdims", 0)));
            }
            default -> {
                g.message(11, valueInfo("class_labels", mean == Mean.LABELS_INT32 ? INT32 : INT64, "B"));
                g.message(1, node("Cast", new String[] {"class_labels"}, "cf", attrInt("to", FLOAT)));
                g.message(1, node("Unsqueeze", new String[] {"cf", "AX1"}, "cf2"));
                if (mean == Mean.LABELS_SHARED_SCALE) {
                    g.message(11, valueInfo("scale", FLOAT));
                    g.message(1, node("Mul", new String[] {"cf2", "V"}, "mu0"));
                    g.message(1, node("Mul", new String[] {"mu0", "scale"}, "mu"));
                } else {
                    g.message(1, node("Mul", new String[] {"cf2", "V"}, "mu"));
                }
            }
        }
        g.message(1, node("Mul", new String[] {"sigma", "sigma"}, "s2"));
        g.message(1, node("Add", new String[] {"s2", "ONE"}, "den"));
        g.message(1, node("Div", new String[] {"ONE", "den"}, "k"));
        g.message(1, node("Unsqueeze", new String[] {"k", "AX1"}, "k2"));
        g.message(1, node("Sub", new String[] {"x", "mu"}, "diff"));
        g.message(1, node("Mul", new String[] {"diff", "k2"}, "kd"));
        g.message(1, node("Add", new String[] {"mu", "kd"}, "denoised"));
        g.message(12, valueInfo("denoised", FLOAT, "B", d));
        if (jvp) {
            g.message(11, valueInfo("x_tangent", FLOAT, "B", d));
            g.message(11, valueInfo("sigma_tangent", FLOAT, "B"));
            g.message(1, node("Mul", new String[] {"x_tangent", "k2"}, "p1"));
            g.message(1, node("Mul", new String[] {"k", "k"}, "kk"));
            g.message(1, node("Mul", new String[] {"kk", "sigma"}, "t1"));
            g.message(1, node("Mul", new String[] {"t1", "sigma_tangent"}, "t2"));
            g.message(1, node("Mul", new String[] {"t2", "MINUS_TWO"}, "t3"));
            g.message(1, node("Unsqueeze", new String[] {"t3", "AX1"}, "t3u"));
            g.message(1, node("Mul", new String[] {"diff", "t3u"}, "p2"));
            g.message(1, node("Add", new String[] {"p1", "p2"}, "denoised_tangent"));
            g.message(12, valueInfo("denoised_tangent", FLOAT, "B", d));
        }
        return model(g, metadata);
    }

    /**
     * An SD-like raw network: {@code sample} float [B, 4, h, w], {@code timestep} int64 ([B], or rank 0 when
     * {@code scalarTimestep}), {@code encoder_hidden_states} float [B, 77, 768] -> {@code out_sample} =
     * 0.5 sample + mean(encoder_hidden_states[b]) + 0.001 timestep.
     */
    public static byte[] sdLike(int h, int w, boolean scalarTimestep) {
        Proto g = new Proto();
        g.string(2, "sd-like");
        g.message(5, floats("HALF", new long[0], new float[] {0.5f}));
        g.message(5, floats("MILLI", new long[0], new float[] {0.001f}));
        g.message(5, longs("AX3", new long[] {3}, new long[] {1, 2, 3}));
        g.message(11, valueInfo("sample", FLOAT, "B", 4, h, w));
        g.message(11, scalarTimestep ? valueInfo("timestep", INT64) : valueInfo("timestep", INT64, "B"));
        g.message(11, valueInfo("encoder_hidden_states", FLOAT, "B", 77, 768));
        g.message(1, node("ReduceMean", new String[] {"encoder_hidden_states"}, "m", attrInts("axes", 1, 2),
                attrInt("keepdims", 1)));
        g.message(1, node("Unsqueeze", new String[] {"m", "AX3_1"}, "m4"));
        g.message(5, longs("AX3_1", new long[] {1}, new long[] {3}));
        g.message(1, node("Cast", new String[] {"timestep"}, "tf", attrInt("to", FLOAT)));
        g.message(1, node("Mul", new String[] {"tf", "MILLI"}, "tm"));
        if (!scalarTimestep) {
            g.message(1, node("Unsqueeze", new String[] {"tm", "AX3"}, "tm4"));
        } else {
            g.message(1, node("Identity", new String[] {"tm"}, "tm4"));
        }
        g.message(1, node("Mul", new String[] {"sample", "HALF"}, "hs"));
        g.message(1, node("Add", new String[] {"hs", "m4"}, "a"));
        g.message(1, node("Add", new String[] {"a", "tm4"}, "out_sample"));
        g.message(12, valueInfo("out_sample", FLOAT, "B", 4, h, w));
        return model(g, Map.of());
    }

    private static byte[] model(Proto g, Map<String, String> metadata) {
        Proto m = new Proto().varint(1, 8).string(2, "art-test").message(7, g)
                .message(8, new Proto().string(1, "").varint(2, 13));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            m.message(14, new Proto().string(1, e.getKey()).string(2, e.getValue()));
        }
        return m.toBytes();
    }

    private static Proto node(String op, String[] in, String out, Proto... attrs) {
        Proto n = new Proto();
        for (String i : in) {
            n.string(1, i);
        }
        n.string(2, out).string(3, op + "_" + out).string(4, op);
        for (Proto a : attrs) {
            n.message(5, a);
        }
        return n;
    }

    private static Proto attrInt(String name, long v) {
        return new Proto().string(1, name).varint(3, v).varint(20, 2);
    }

    private static Proto attrInts(String name, long... v) {
        Proto a = new Proto().string(1, name);
        for (long x : v) {
            a.varint(8, x);
        }
        return a.varint(20, 7);
    }

    private static Proto floats(String name, long[] dims, float[] v) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT).string(8, name);
        Proto raw = new Proto();
        for (float f : v) {
            raw.rawFloat(f);
        }
        return t.bytes(9, raw.toBytes());
    }

    private static Proto longs(String name, long[] dims, long[] v) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return t.varint(2, INT64).string(8, name).bytes(9, b.array());
    }

    /** A tensor value_info; each dim an Integer (fixed) or a String (symbolic). */
    static Proto valueInfo(String name, int type, Object... dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof Integer i ? new Proto().varint(1, i) : new Proto().string(2, (String) d));
        }
        Proto tensorType = new Proto().varint(1, type).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }
}
