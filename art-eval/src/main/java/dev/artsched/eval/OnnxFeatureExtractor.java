package dev.artsched.eval;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.artsched.scheduler.ArtException;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link FeatureExtractor} over an ONNX graph with one float32 input [B, ...] (the samples, in the
 * denoiser's data range; any preprocessing lives in the graph) and a float32 output [B, F, ...] whose
 * non-batch elements are the features. By default the input named {@code x} and the output named
 * {@code features} are used, else the first input and the first output. Runs on the CPU
 * with one intra-op thread. Not thread-safe; closes its session (never the shared {@link OrtEnvironment}),
 * idempotently.
 */
public final class OnnxFeatureExtractor implements FeatureExtractor {
    private final String source;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final long[] sampleShape;
    private final int sampleSize;
    private int featureSize;
    private boolean closed;

    private OnnxFeatureExtractor(Path file, String input, String output) throws OrtException {
        this.source = file.toString();
        this.env = dev.artsched.onnx.OrtEnvironments.shared();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        this.session = env.createSession(file.toString(), options);
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            this.inputName = pick(inputs, input, "input", "x");
            this.outputName = pick(outputs, output, "output", "features");
            long[] in = tensorShape(inputs.get(inputName), "input " + inputName);
            if (in.length < 2) {
                throw new ArtException("feature model " + source + ": expected input '" + inputName
                        + "' of rank >= 2 [B, ...], found rank " + in.length);
            }
            this.sampleShape = Arrays.copyOfRange(in, 1, in.length);
            long size = 1;
            for (long d : sampleShape) {
                if (d <= 0) {
                    throw new ArtException("feature model " + source + ": expected fixed non-batch input dimensions, "
                            + "found " + Arrays.toString(in));
                }
                size *= d;
            }
            this.sampleSize = Math.toIntExact(size);
            long[] out = tensorShape(outputs.get(outputName), "output " + outputName);
            long f = 1;
            for (int i = 1; i < out.length; i++) {
                f = out[i] > 0 && f > 0 ? f * out[i] : -1;
            }
            this.featureSize = out.length < 2 ? -1 : (int) f;
        } catch (RuntimeException | OrtException e) {
            session.close();
            throw e;
        }
    }

    /** Opens {@code file} with the default input ({@code x} or first) and output ({@code features} or first). */
    public static OnnxFeatureExtractor load(Path file) {
        return load(file, null, null);
    }

    /** Opens {@code file}; null names select the defaults. */
    public static OnnxFeatureExtractor load(Path file, String inputName, String outputName) {
        if (!Files.isRegularFile(file)) {
            throw new ArtException("feature model " + file + " does not exist (expected an ONNX file)");
        }
        try {
            OnnxFeatureExtractor x = new OnnxFeatureExtractor(file, inputName, outputName);
            if (x.featureSize < 0) {
                x.probeFeatureSize();
            }
            return x;
        } catch (OrtException e) {
            throw new ArtException("cannot load feature model " + file + ": " + e.getMessage(), e);
        }
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
        Optional<String> first = nodes.keySet().stream().findFirst();
        return first.orElseThrow(() -> new ArtException("feature model has no " + what + "s"));
    }

    private long[] tensorShape(NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ArtException("feature model " + source + ": expected " + what + " to be a tensor, found "
                    + info.getInfo());
        }
        if (t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new ArtException("feature model " + source + ": expected " + what + " of type float32, found "
                    + t.type);
        }
        return t.getShape();
    }

    private void probeFeatureSize() {
        float[] f = extract(new float[sampleSize], 1);
        featureSize = f.length;
    }

    /** The shape of one input sample (without the batch dimension). */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int sampleSize() {
        return sampleSize;
    }

    @Override
    public int featureSize() {
        return featureSize;
    }

    @Override
    public float[] extract(float[] samples, int batch) {
        if (closed) {
            throw new ArtException("feature model " + source + " is closed");
        }
        if (batch < 1 || samples.length != (long) batch * sampleSize) {
            throw new ArtException("feature model " + source + ": expected " + batch + " * " + sampleSize
                    + " input values, found " + samples.length);
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(samples), shape);
             OrtSession.Result result = session.run(Map.of(inputName, in), Set.of(outputName))) {
            OnnxValue v = result.get(outputName).orElseThrow(
                    () -> new ArtException("feature model " + source + " returned no output " + outputName));
            if (!(v instanceof OnnxTensor t)) {
                throw new ArtException("feature model " + source + ": expected a tensor output, found " + v.getType());
            }
            FloatBuffer fb = t.getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            if (out.length % batch != 0) {
                throw new ArtException("feature model " + source + ": expected a multiple of " + batch
                        + " output values, found " + out.length);
            }
            for (int i = 0; i < out.length; i++) {
                if (!Float.isFinite(out[i])) {
                    throw new ArtException("feature model " + source + " returned a non-finite feature " + out[i]
                            + " at index " + i);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new ArtException("feature model " + source + " failed on a batch of " + batch + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new ArtException("cannot close feature model " + source + ": " + e.getMessage(), e);
            }
        }
    }
}
