package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;

import java.util.List;
import java.util.Map;

/**
 * The weights of the adaptive-scheduler policy network and its forward pass: a sample block
 * {@code hx = tanh(x W1 + b1)} on the flattened, preconditioned sample (for images [C, H, W] with a {@link Conv}
 * block, on the flattened {@code tanh(conv3x3/2(x))} instead), a state block
 * {@code hs = tanh(s Ws + bs)} on s = (t, k / K), a bilinear fusion {@code hf = [hx t, hx k/K] Wf + bf} of the two,
 * the three latents concatenated into {@code h = tanh([hx, hs, hf] Wh + bh)}, and the mean decrement
 * {@code sigmoid(h Wm + bm)}. Matrices are row-major [in, out]. {@link #toOnnx} writes the same computation as an
 * ONNX graph. Immutable (arrays are copied).
 *
 * @param inputSize floats per sample
 * @param arrays    W1, b1, Ws, bs, Wf, bf, Wh, bh, Wm, bm
 * @param conv      the convolution block on image samples, or null (vector data)
 */
public record PolicyWeights(int inputSize, List<float[]> arrays, Conv conv) {

    /**
     * A 3x3 convolution with stride 2 and padding 1 from C to F channels, then tanh, on samples [C, H, W]; its
     * output [F, ceil(H / 2), ceil(W / 2)] is flattened in that order.
     *
     * @param channels C
     * @param height   H
     * @param width    W
     * @param filters  F
     * @param weight   [F, C, 3, 3]
     * @param bias     [F]
     */
    public record Conv(int channels, int height, int width, int filters, float[] weight, float[] bias) {
        /** Validates and copies. */
        public Conv {
            if (channels < 1 || height < 1 || width < 1 || filters < 1 || weight == null || bias == null
                    || weight.length != filters * channels * 9 || bias.length != filters) {
                throw new ArtException("a policy convolution expected F * C * 9 weights and F biases for C, H, W, "
                        + "F >= 1, found C = " + channels + ", H = " + height + ", W = " + width + ", F = " + filters);
            }
            weight = weight.clone();
            bias = bias.clone();
        }

        /** Floats the block outputs per sample. */
        public int outputs() {
            return filters * ((height + 1) / 2) * ((width + 1) / 2);
        }

        /** The block's output for one sample at {@code offset}. */
        double[] apply(float[] x, int offset) {
            int h2 = (height + 1) / 2;
            int w2 = (width + 1) / 2;
            double[] out = new double[outputs()];
            for (int f = 0; f < filters; f++) {
                for (int oy = 0; oy < h2; oy++) {
                    for (int ox = 0; ox < w2; ox++) {
                        double acc = bias[f];
                        for (int c = 0; c < channels; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                int y = 2 * oy - 1 + ky;
                                for (int kx = 0; kx < 3; kx++) {
                                    int xx = 2 * ox - 1 + kx;
                                    if (y >= 0 && y < height && xx >= 0 && xx < width) {
                                        acc += x[offset + (c * height + y) * width + xx]
                                                * weight[((f * channels + c) * 3 + ky) * 3 + kx];
                                    }
                                }
                            }
                        }
                        out[(f * h2 + oy) * w2 + ox] = Math.tanh(acc);
                    }
                }
            }
            return out;
        }
    }

    /** Weights without a convolution block (vector data). */
    public PolicyWeights(int inputSize, List<float[]> arrays) {
        this(inputSize, arrays, null);
    }
    /** Names of the arrays, in order. */
    public static final List<String> NAMES = List.of("W1", "b1", "Ws", "bs", "Wf", "bf", "Wh", "bh", "Wm", "bm");

    /** Copies and checks the shapes. */
    public PolicyWeights {
        if (arrays == null || arrays.size() != NAMES.size()) {
            throw new ArtException("policy weights expected " + NAMES.size() + " arrays, found "
                    + (arrays == null ? 0 : arrays.size()));
        }
        arrays = arrays.stream().map(float[]::clone).toList();
        int h = arrays.get(1).length;
        int hs = arrays.get(3).length;
        int hf = arrays.get(5).length;
        int hh = arrays.get(7).length;
        if (conv != null && conv.channels() * conv.height() * conv.width() != inputSize) {
            throw new ArtException("a policy convolution over " + conv.channels() + " x " + conv.height() + " x "
                    + conv.width() + " expected samples of that size, found " + inputSize);
        }
        int in1 = conv == null ? inputSize : conv.outputs();
        int[] expected = {in1 * h, h, 2 * hs, hs, 2 * h * hf, hf, (h + hs + hf) * hh, hh, hh, 1};
        for (int i = 0; i < expected.length; i++) {
            if (arrays.get(i).length != expected[i]) {
                throw new ArtException("policy array " + NAMES.get(i) + " expected " + expected[i]
                        + " values, found " + arrays.get(i).length);
            }
        }
    }

    private int hx() {
        return arrays.get(1).length;
    }

    private int hs() {
        return arrays.get(3).length;
    }

    private int hf() {
        return arrays.get(5).length;
    }

    private int hh() {
        return arrays.get(7).length;
    }

    /** The mean decrement for one preconditioned sample {@code x} at (t, kn = k / K), in double. */
    public double mean(float[] x, int offset, double t, double kn) {
        float[] w1 = arrays.get(0);
        int h = hx();
        double[] in;
        if (conv != null) {
            in = conv.apply(x, offset);
        } else {
            in = new double[inputSize];
            for (int i = 0; i < inputSize; i++) {
                in[i] = x[offset + i];
            }
        }
        double[] hx = new double[h];
        for (int j = 0; j < h; j++) {
            double acc = arrays.get(1)[j];
            for (int i = 0; i < in.length; i++) {
                acc += in[i] * w1[i * h + j];
            }
            hx[j] = Math.tanh(acc);
        }
        double[] hsv = new double[hs()];
        for (int j = 0; j < hsv.length; j++) {
            hsv[j] = Math.tanh(arrays.get(3)[j] + t * arrays.get(2)[j] + kn * arrays.get(2)[hsv.length + j]);
        }
        double[] hfv = new double[hf()];
        for (int j = 0; j < hfv.length; j++) {
            double acc = arrays.get(5)[j];
            for (int i = 0; i < h; i++) {
                acc += hx[i] * t * arrays.get(4)[i * hfv.length + j] + hx[i] * kn * arrays.get(4)[(h + i) * hfv.length + j];
            }
            hfv[j] = acc;
        }
        double[] c = new double[h + hsv.length + hfv.length];
        System.arraycopy(hx, 0, c, 0, h);
        System.arraycopy(hsv, 0, c, h, hsv.length);
        System.arraycopy(hfv, 0, c, h + hsv.length, hfv.length);
        double z = arrays.get(9)[0];
        for (int j = 0; j < hh(); j++) {
            double acc = arrays.get(7)[j];
            for (int i = 0; i < c.length; i++) {
                acc += c[i] * arrays.get(6)[i * hh() + j];
            }
            z += Math.tanh(acc) * arrays.get(8)[j];
        }
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /**
     * The ONNX graph: inputs {@code x} float32 [B, sampleShape...] (already preconditioned), {@code t} and
     * {@code k} float32 [B] (k divided by the budget in steps); output {@code mean} float32 [B]; with metadata.
     */
    public byte[] toOnnx(long[] sampleShape, Map<String, String> metadata) {
        long size = 1;
        for (long d : sampleShape) {
            size *= d;
        }
        if (size != inputSize) {
            throw new ArtException("policy expected a sample shape of " + inputSize + " floats, found " + size);
        }
        OnnxWriter w = new OnnxWriter();
        int h = hx();
        long[][] dims = {{conv == null ? inputSize : conv.outputs(), h}, {h}, {2, hs()}, {hs()}, {2L * h, hf()}, {hf()},
                {h + hs() + hf(), hh()}, {hh()}, {hh(), 1}, {1}};
        for (int i = 0; i < NAMES.size(); i++) {
            w.floats(NAMES.get(i), dims[i], arrays.get(i));
        }
        w.longs("col", -1, 1).longs("flat", -1);
        long[] xDims = new long[sampleShape.length + 1];
        xDims[0] = -1;
        System.arraycopy(sampleShape, 0, xDims, 1, sampleShape.length);
        w.input("x", xDims).input("t", -1).input("k", -1).output("mean", -1);
        if (conv != null) {
            if (sampleShape.length != 3) {
                throw new ArtException("a policy with a convolution expected a sample shape [C, H, W], found rank "
                        + sampleShape.length);
            }
            w.floats("Wc", new long[] {conv.filters(), conv.channels(), 3, 3}, conv.weight())
                    .floats("bc", new long[] {conv.filters()}, conv.bias());
            w.node("Conv", List.of("x", "Wc", "bc"), "cx", Map.of("kernel_shape", new long[] {3, 3},
                    "strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}));
            w.node("Tanh", List.of("cx"), "tx").node("Flatten", List.of("tx"), "xf", Map.of("axis", 1L));
        } else {
            w.node("Flatten", List.of("x"), "xf", Map.of("axis", 1L));
        }
        w.node("Gemm", List.of("xf", "W1", "b1"), "ax").node("Tanh", List.of("ax"), "hx");
        w.node("Reshape", List.of("t", "col"), "t2").node("Reshape", List.of("k", "col"), "k2");
        w.node("Concat", List.of("t2", "k2"), "s", Map.of("axis", 1L));
        w.node("Gemm", List.of("s", "Ws", "bs"), "as").node("Tanh", List.of("as"), "hs");
        w.node("Mul", List.of("hx", "t2"), "hxt").node("Mul", List.of("hx", "k2"), "hxk");
        w.node("Concat", List.of("hxt", "hxk"), "fu", Map.of("axis", 1L));
        w.node("Gemm", List.of("fu", "Wf", "bf"), "hf");
        w.node("Concat", List.of("hx", "hs", "hf"), "c", Map.of("axis", 1L));
        w.node("Gemm", List.of("c", "Wh", "bh"), "ah").node("Tanh", List.of("ah"), "h");
        w.node("Gemm", List.of("h", "Wm", "bm"), "z").node("Sigmoid", List.of("z"), "m2");
        w.node("Reshape", List.of("m2", "flat"), "mean");
        metadata.forEach(w::metadata);
        return w.toBytes("art-adaptive-policy");
    }
}
