package dev.artsched.training.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * A float64 multilayer perceptron built from DJL blocks on the PyTorch engine: {@code layers} Linear layers
 * (the hidden ones of width {@code width}) with Softplus between them and one scalar output. Parameters start
 * from PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), drawn from a seeded
 * {@link Rng}; the output layer can be rescaled and its bias set (the actor starts at theta ~ 1). Owns native
 * memory: close it. Not thread-safe.
 */
public final class Mlp implements AutoCloseable {
    private final NDManager manager;
    private final SequentialBlock block;
    private final ParameterStore store;
    private final List<Parameter> parameters = new ArrayList<>();
    private final int inputs;
    private final int width;
    private final int layers;
    private boolean closed;

    /**
     * @param inputs number of input features
     * @param width  hidden width
     * @param layers number of Linear layers, >= 2
     * @param rng    source of the initial weights
     */
    public Mlp(int inputs, int width, int layers, Rng rng) {
        if (inputs < 1 || width < 1 || layers < 2) {
            throw new ArtException("an MLP needs >= 1 input, width >= 1 and >= 2 layers, found inputs = " + inputs
                    + ", width = " + width + ", layers = " + layers);
        }
        this.inputs = inputs;
        this.width = width;
        this.layers = layers;
        DjlRuntime.engine();
        this.manager = NDManager.newBaseManager(DjlRuntime.ENGINE);
        this.block = new SequentialBlock();
        for (int l = 0; l < layers; l++) {
            block.add(Linear.builder().setUnits(l == layers - 1 ? 1 : width).build());
            if (l < layers - 1) {
                block.add(Activation.softPlusBlock());
            }
        }
        block.initialize(manager, DataType.FLOAT64, new Shape(1, inputs));
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.add(p.getValue());
        }
        this.store = new ParameterStore(manager, false);
        double[][] init = new double[parameters.size()][];
        for (int i = 0; i < parameters.size(); i++) {
            Shape shape = parameters.get(i).getArray().getShape();
            int layer = i / 2;
            int fanIn = layer == 0 ? inputs : width;
            double bound = 1.0 / Math.sqrt(fanIn);
            double[] v = new double[(int) shape.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = (2.0 * rng.nextDouble() - 1.0) * bound;
            }
            init[i] = v;
        }
        setParameters(init);
    }

    /** Number of input features. */
    public int inputs() {
        return inputs;
    }

    /** Hidden width. */
    public int width() {
        return width;
    }

    /** Number of Linear layers. */
    public int layers() {
        return layers;
    }

    /** The trainable parameter arrays (weights and biases, layer by layer). */
    public List<NDArray> parameterArrays() {
        List<NDArray> out = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            out.add(p.getArray());
        }
        return out;
    }

    /** Multiplies the output layer's weights by {@code weightScale} and sets its bias to {@code bias}. */
    public void initOutputLayer(double weightScale, double bias) {
        double[][] v = parameters();
        int w = v.length - 2;
        for (int j = 0; j < v[w].length; j++) {
            v[w][j] *= weightScale;
        }
        java.util.Arrays.fill(v[w + 1], bias);
        setParameters(v);
    }

    /** A copy of every parameter array's values. */
    public double[][] parameters() {
        double[][] out = new double[parameters.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = parameters.get(i).getArray().toDoubleArray();
        }
        return out;
    }

    /** Overwrites every parameter (shapes must match those of {@link #parameters()}). */
    public void setParameters(double[][] values) {
        if (values.length != parameters.size()) {
            throw new ArtException("expected " + parameters.size() + " parameter arrays, found " + values.length);
        }
        for (int i = 0; i < values.length; i++) {
            NDArray a = parameters.get(i).getArray();
            if (a.getShape().size() != values[i].length) {
                throw new ArtException("parameter " + i + " expected " + a.getShape().size() + " values, found "
                        + values[i].length);
            }
            DjlArrays.overwrite(a, values[i]);
        }
    }

    /**
     * Evaluates the network without recording gradients.
     *
     * @param features {@code rows * inputs()} row-major inputs
     * @param rows     number of rows
     * @return {@code rows} outputs
     */
    public double[] predict(double[] features, int rows) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray in = sub.create(features, new Shape(rows, inputs));
            return forward(in, false).toDoubleArray();
        }
    }

    /** The output column as a 1-D array attached to {@code input}'s manager; records gradients if collecting. */
    public NDArray forward(NDArray input, boolean training) {
        NDList out = block.forward(store, new NDList(input), training);
        return out.singletonOrThrow().reshape(-1);
    }

    /** A sub-manager of this network's manager, for per-iteration temporaries. */
    public NDManager newSubManager() {
        return manager.newSubManager();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
