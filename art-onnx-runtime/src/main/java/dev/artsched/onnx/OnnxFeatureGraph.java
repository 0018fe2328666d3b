package dev.artsched.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.artsched.scheduler.ArtException;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A feature network (e.g. Inception-style, for FID) as a view of one ONNX graph: one float32 input [B, ...] (the
 * samples, in the denoiser's data range; any preprocessing lives in the graph) and a float32 output [B, F, ...]
 * whose non-batch elements are the features. By default the input named {@code x} and the output named
 * {@code features} are used, else the first input and the first output; CPU with one intra-op thread unless
 * options say otherwise. Thread-safe like {@link OnnxDenoiser}; {@link #close()} is idempotent.
 */
public final class OnnxFeatureGraph implements AutoCloseable {
    /** The input used when none is named and the graph has one of this name. */
    public static final String DEFAULT_INPUT = "x";
    /** The output used when none is named and the graph has one of this name. */
    public static final String DEFAULT_OUTPUT = "features";

    private final OrtModel model;

    private OnnxFeatureGraph(OrtModel model) {
        this.model = model;
    }

    /** Opens {@code file} with the default input and output. */
    public static OnnxFeatureGraph load(Path file) {
        return load(file, null, null);
    }

    /** Opens {@code file} on the CPU with one intra-op thread; null names select the defaults. */
    public static OnnxFeatureGraph load(Path file, String inputName, String outputName) {
        return load(file, inputName, outputName, OnnxOptions.defaults());
    }

    /**
     * Opens {@code file} on the execution provider and with the intra-op threads of {@code options} (its tensor
     * names are not used); null names select the defaults.
     */
    public static OnnxFeatureGraph load(Path file, String inputName, String outputName, OnnxOptions options) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new ArtException("feature model " + file + " does not exist (expected an ONNX file)");
        }
        String label = file.toString();
        return new OnnxFeatureGraph(OrtModel.open(label, options, OrtSessions.Source.file(file),
                session -> layout(label, session, inputName, outputName), errors(label)));
    }

    private static OrtLayout layout(String label, OrtSession session, String input, String output)
            throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String inputName = pick(inputs, input, "input", DEFAULT_INPUT);
        String outputName = pick(outputs, output, "output", DEFAULT_OUTPUT);
        long[] in = tensorShape(label, inputs.get(inputName), "input " + inputName);
        if (in.length < 2) {
            throw new ArtException("feature model " + label + ": expected input '" + inputName
                    + "' of rank >= 2 [B, ...], found rank " + in.length);
        }
        long[] sampleShape = Arrays.copyOfRange(in, 1, in.length);
        long size = 1;
        for (long d : sampleShape) {
            if (d <= 0) {
                throw new ArtException("feature model " + label + ": expected fixed non-batch input dimensions, "
                        + "found " + Arrays.toString(in));
            }
            size *= d;
        }
        Math.toIntExact(size);
        int fixedBatch = in[0] > 0 ? (int) in[0] : 0;
        long[] out = tensorShape(label, outputs.get(outputName), "output " + outputName);
        long[] featureDims = out.length >= 2 && Arrays.stream(out, 1, out.length).allMatch(d -> d > 0)
                ? Arrays.copyOfRange(out, 1, out.length)
                : probe(label, session, inputName, outputName, sampleShape, Math.max(fixedBatch, 1));
        return new OrtLayout(List.of(new IoSlots.Spec(inputName, OnnxJavaType.FLOAT, sampleShape, 0f)),
                List.of(new IoSlots.Spec(outputName, OnnxJavaType.FLOAT, featureDims, 0f)), fixedBatch);
    }

    private static String pick(Map<String, NodeInfo> nodes, String wanted, String what, String preferred) {
        if (wanted == null && nodes.containsKey(preferred)) {
            return preferred;
        }
        if (wanted != null) {
            if (!nodes.containsKey(wanted)) {
                throw new ArtException("feature model has no " + what + " named '" + wanted + "': found "
                        + nodes.keySet());
            }
            return wanted;
        }
        return nodes.keySet().stream().findFirst()
                .orElseThrow(() -> new ArtException("feature model has no " + what + "s"));
    }

    private static long[] tensorShape(String label, NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ArtException("feature model " + label + ": expected " + what + " to be a tensor, found "
                    + info.getInfo());
        }
        if (t.type != OnnxJavaType.FLOAT) {
            throw new ArtException("feature model " + label + ": expected " + what + " of type float32, found "
                    + t.type);
        }
        return t.getShape();
    }

    /** The per-sample output dimensions of a graph that does not declare them, from one run on zeros. */
    private static long[] probe(String label, OrtSession session, String inputName, String outputName,
                                long[] sampleShape, int batch) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        int n = batch * Math.toIntExact(Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b));
        try (OnnxTensor x = OnnxTensor.createTensor(OrtEnvironments.shared(), FloatBuffer.allocate(n), shape);
             OrtSession.Result result = session.run(Map.of(inputName, x), Set.of(outputName))) {
            OnnxValue v = result.get(outputName).orElseThrow(
                    () -> new ArtException("feature model " + label + " returned no output " + outputName));
            if (!(v instanceof OnnxTensor t)) {
                throw new ArtException("feature model " + label + ": expected a tensor output, found " + v.getType());
            }
            long[] found = t.getInfo().getShape();
            if (found.length < 1 || found[0] != batch) {
                throw new ArtException("feature model " + label + ": expected output '" + outputName
                        + "' with batch dimension " + batch + ", found shape " + Arrays.toString(found));
            }
            return Arrays.copyOfRange(found, 1, found.length);
        } catch (OrtException e) {
            throw new ArtException("feature model " + label + " failed on a batch of " + batch + ": "
                    + e.getMessage(), e);
        }
    }

    private static OrtErrors errors(String label) {
        return new OrtErrors() {
            @Override
            public ArtException loadFailed(OrtException e) {
                return new ArtException("cannot load feature model " + label + ": " + e.getMessage(), e);
            }

            @Override
            public ArtException runFailed(OrtException e, int batch) {
                return new ArtException("feature model " + label + " failed on a batch of " + batch + ": "
                        + e.getMessage(), e);
            }

            @Override
            public ArtException closed() {
                return new ArtException("feature model " + label + " is closed");
            }

            @Override
            public ArtException closeFailed(OrtException e) {
                return new ArtException("cannot close feature model " + label + ": " + e.getMessage(), e);
            }
        };
    }

    /** The shape of one input sample (without the batch dimension). */
    public long[] sampleShape() {
        return model.sampleShape();
    }

    /** Floats per input sample. */
    public int sampleSize() {
        return model.sampleSize();
    }

    /** Length of one feature vector. */
    public int featureSize() {
        return model.outputSize(0);
    }

    /** The file the graph was loaded from. */
    public String source() {
        return model.label();
    }

    /** The provider that actually runs this graph ({@code cpu} or {@code cuda:N}). */
    public ExecutionProvider executionProvider() {
        return model.provider();
    }

    /**
     * Writes the features of {@code batch} samples into {@code out}.
     *
     * @param x     exactly {@code batch * sampleSize()} floats, sample after sample
     * @param batch number of samples, >= 1
     * @param out   receives {@code batch * featureSize()} floats
     * @throws ArtException on wrong lengths, a closed graph, a failed run or a non-finite feature
     */
    public void extract(float[] x, int batch, float[] out) {
        checkInput(x, batch);
        model.run(x, null, null, null, batch, out, null);
        int n = batch * featureSize();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(out[i])) {
                throw new ArtException("feature model " + model.label() + " returned a non-finite feature " + out[i]
                        + " at index " + i);
            }
        }
    }

    /** {@link #extract(float[], int, float[])} into a new array of {@code batch * featureSize()} floats. */
    public float[] extract(float[] x, int batch) {
        checkInput(x, batch);
        long n = (long) batch * featureSize();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ArtException("feature model " + model.label() + ": expected at most " + (Integer.MAX_VALUE - 8)
                    + " features per batch, found " + batch + " * " + featureSize());
        }
        float[] out = new float[(int) n];
        extract(x, batch, out);
        return out;
    }

    private void checkInput(float[] x, int batch) {
        if (model.isClosed()) {
            throw new ArtException("feature model " + model.label() + " is closed");
        }
        int sampleSize = model.sampleSize();
        if (batch < 1 || x.length != (long) batch * sampleSize) {
            throw new ArtException("feature model " + model.label() + ": expected " + batch + " * " + sampleSize
                    + " input values, found " + x.length);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxFeatureGraph[" + model.label() + ", " + model.provider() + "]";
    }
}
