package dev.artsched.training.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import dev.artsched.onnx.PolicyWeights;
import dev.artsched.training.nn.DjlRuntime;
import dev.artsched.training.problem.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The PPO policy and value network on DJL's PyTorch engine, float64: the architecture of {@link PolicyWeights}
 * (sample block, state block on (t, k / K), bilinear fusion, concatenation, a trunk layer, the sigmoid mean head)
 * plus a linear value head on the trunk. Weights start from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) drawn from a seeded
 * {@link Rng} (the mean head's weights a tenth of that, its bias at the logit of the initial mean). Owns native memory: close it. Not thread-safe.
 */
final class PolicyNetwork implements AutoCloseable {
    private final NDManager manager;
    private final List<NDArray> params = new ArrayList<>();
    private final int inputs;
    private final int[] image;

    /** Vector data: an MLP block on the sample. */
    PolicyNetwork(int inputs, int hidden, int stateHidden, int fusionHidden, int trunk, double initialMean, Rng rng) {
        this(inputs, null, hidden, stateHidden, fusionHidden, trunk, initialMean, rng);
    }

    /**
     * With {@code image} = {C, H, W, F}: a 3x3 stride-2 convolution to F channels and tanh on samples [C, H, W]
     * before the sample block; null for vector data.
     */
    PolicyNetwork(int inputs, int[] image, int hidden, int stateHidden, int fusionHidden, int trunk,
                  double initialMean, Rng rng) {
        this.inputs = inputs;
        this.image = image == null ? null : image.clone();
        DjlRuntime.engine();
        manager = NDManager.newBaseManager(DjlRuntime.ENGINE);
        int c = hidden + stateHidden + fusionHidden;
        int in1 = image == null ? inputs : image[3] * ((image[1] + 1) / 2) * ((image[2] + 1) / 2);
        long[][] shapes = {{in1, hidden}, {hidden}, {2, stateHidden}, {stateHidden}, {2L * hidden, fusionHidden},
                {fusionHidden}, {c, trunk}, {trunk}, {trunk, 1}, {1}, {trunk, 1}, {1},
                image == null ? null : new long[] {image[3], image[0], 3, 3},
                image == null ? null : new long[] {image[3]}};
        int conv = image == null ? 1 : image[0] * 9;
        int[] fanIn = {in1, in1, 2, 2, 2 * hidden, 2 * hidden, c, c, trunk, trunk, trunk, trunk, conv, conv};
        for (int i = 0; i < (image == null ? 12 : 14); i++) {
            Shape shape = new Shape(shapes[i]);
            double bound = (i == 8 ? 0.1 : 1.0) / Math.sqrt(fanIn[i]);
            double[] v = new double[(int) shape.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = i == 9 ? Math.log(initialMean / (1 - initialMean)) : (2 * rng.nextDouble() - 1) * bound;
            }
            NDArray a = manager.create(v, shape);
            a.setRequiresGradient(true);
            params.add(a);
        }
    }

    /** Mean decrement and value of each row. */
    record Out(NDArray mean, NDArray value) {
    }

    /** The forward pass on x [n, inputs] and s = (t, k / K) [n, 2]. */
    Out forward(NDArray x, NDArray s) {
        NDArray t = s.get(new NDIndex(":, 0:1"));
        NDArray k = s.get(new NDIndex(":, 1:2"));
        NDArray in = x;
        if (image != null) {
            in = Conv2d.conv2d(x.reshape(-1, image[0], image[1], image[2]), params.get(12), params.get(13),
                    new Shape(2, 2), new Shape(1, 1)).singletonOrThrow().tanh().reshape(x.getShape().get(0), -1);
        }
        NDArray hx = in.matMul(params.get(0)).add(params.get(1)).tanh();
        NDArray hs = s.matMul(params.get(2)).add(params.get(3)).tanh();
        NDArray hf = NDArrays.concat(new NDList(hx.mul(t), hx.mul(k)), 1).matMul(params.get(4)).add(params.get(5));
        NDArray h = NDArrays.concat(new NDList(hx, hs, hf), 1).matMul(params.get(6)).add(params.get(7)).tanh();
        NDArray mean = Activation.sigmoid(h.matMul(params.get(8)).add(params.get(9))).reshape(-1);
        return new Out(mean, h.matMul(params.get(10)).add(params.get(11)).reshape(-1));
    }

    /** Inputs as arrays on {@code m}: x [rows, inputs] and s [rows, 2]. */
    NDArray[] inputs(NDManager m, float[] x, double[] t, double[] k) {
        int rows = t.length;
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        double[] s = new double[2 * rows];
        for (int i = 0; i < rows; i++) {
            s[2 * i] = t[i];
            s[2 * i + 1] = k[i];
        }
        return new NDArray[] {m.create(xd, new Shape(rows, inputs)), m.create(s, new Shape(rows, 2))};
    }

    /** Means and values without gradients: {means, values}. */
    double[][] predict(float[] x, double[] t, double[] k) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray[] in = inputs(sub, x, t, k);
            Out o = forward(in[0], in[1]);
            return new double[][] {o.mean().toDoubleArray(), o.value().toDoubleArray()};
        }
    }

    /** The trainable arrays (the convolution's last, with an image block). */
    List<NDArray> parameterArrays() {
        return params;
    }

    NDManager newSubManager() {
        return manager.newSubManager();
    }

    double[][] parameters() {
        return params.stream().map(NDArray::toDoubleArray).toArray(double[][]::new);
    }

    void setParameters(double[][] values) {
        for (int i = 0; i < params.size(); i++) {
            try (NDArray fresh = manager.create(values[i], params.get(i).getShape())) {
                params.get(i).set(new NDIndex("..."), fresh);
            }
        }
    }

    /** The policy part as float32 weights for the ONNX export. */
    PolicyWeights weights() {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < PolicyWeights.NAMES.size(); i++) {
            double[] v = params.get(i).toDoubleArray();
            float[] f = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                f[j] = (float) v[j];
            }
            out.add(f);
        }
        if (image == null) {
            return new PolicyWeights(inputs, out);
        }
        return new PolicyWeights(inputs, out, new PolicyWeights.Conv(image[0], image[1], image[2], image[3],
                floats(params.get(12)), floats(params.get(13))));
    }

    private static float[] floats(NDArray a) {
        double[] v = a.toDoubleArray();
        float[] f = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            f[j] = (float) v[j];
        }
        return f;
    }

    @Override
    public void close() {
        manager.close();
    }
}
