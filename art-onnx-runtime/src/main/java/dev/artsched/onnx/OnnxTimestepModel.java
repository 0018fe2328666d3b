package dev.artsched.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.artsched.sampling.adapters.TimestepModel;
import dev.artsched.scheduler.ArtException;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A raw ONNX network in its own parameterisation (epsilon, v or flow velocity), for the adapters in
 * {@code dev.artsched.sampling.adapters}: inputs {@code sample} float32 {@code [B, ...]} and {@code timestep}
 * {@code [B]}, output float32 of the sample's shape (names configurable). The timestep input's element type is
 * read from the session: float32/float64 graphs get fractional timesteps, int32/int64 graphs get them rounded
 * ({@link #integerTimesteps()}, pass it to the adapter). Thread-safe (one shared session); tensors are created
 * per call.
 */
public final class OnnxTimestepModel implements TimestepModel, AutoCloseable {
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String sampleName;
    private final String timestepName;
    private final String outputName;
    private final long[] sampleShape;
    private final int sampleSize;
    private final OnnxJavaType timestepType;
    private final String label;

    private OnnxTimestepModel(OrtSession session, OrtSession.SessionOptions options, String label, String sampleName,
                              String timestepName, String outputName) throws OrtException {
        this.session = session;
        this.options = options;
        this.label = label;
        this.sampleName = sampleName;
        this.timestepName = timestepName;
        this.outputName = outputName;
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        if (!in.containsKey(sampleName) || !in.containsKey(timestepName) || !out.containsKey(outputName)) {
            throw new ArtException("timestep model " + label + ": expected inputs [" + sampleName + ", " + timestepName
                    + "] and output [" + outputName + "], found inputs " + in.keySet() + " and outputs " + out.keySet());
        }
        TensorInfo x = tensor(in.get(sampleName));
        TensorInfo t = tensor(in.get(timestepName));
        if (x.type != OnnxJavaType.FLOAT || x.getShape().length < 2) {
            throw new ArtException("timestep model " + label + ": input '" + sampleName + "' must be float32 [B, ...], found "
                    + x.type + " " + Arrays.toString(x.getShape()));
        }
        long[] shape = Arrays.copyOfRange(x.getShape(), 1, x.getShape().length);
        long n = 1;
        for (long s : shape) {
            if (s <= 0) {
                throw new ArtException("timestep model " + label + ": sample dimensions must be fixed, found "
                        + Arrays.toString(x.getShape()));
            }
            n *= s;
        }
        if (t.getShape().length != 1 || !(t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE
                || t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32)) {
            throw new ArtException("timestep model " + label + ": input '" + timestepName
                    + "' must be a [B] float32, float64, int32 or int64 tensor, found " + t.type + " "
                    + Arrays.toString(t.getShape()));
        }
        this.sampleShape = shape;
        this.sampleSize = (int) n;
        this.timestepType = t.type;
    }

    private TensorInfo tensor(NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ArtException("timestep model " + label + ": '" + info.getName() + "' must be a tensor");
        }
        return t;
    }

    /** Opens a raw network with inputs {@code sample}, {@code timestep} and its single output named {@code out}. */
    public static OnnxTimestepModel load(Path file, String sampleName, String timestepName, String outputName) {
        if (!Files.isRegularFile(file)) {
            throw new ArtException("timestep model " + file + ": no such file");
        }
        OrtEnvironment env = OrtEnvironments.shared();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        OrtSession s = null;
        try {
            so.setIntraOpNumThreads(1);
            s = env.createSession(file.toString(), so);
            return new OnnxTimestepModel(s, so, file.toString(), sampleName, timestepName, outputName);
        } catch (OrtException e) {
            closeQuietly(s, so);
            throw new ArtException("timestep model " + file + ": ONNX Runtime cannot load it (ORT error " + e.getCode()
                    + ")", e);
        } catch (RuntimeException e) {
            closeQuietly(s, so);
            throw e;
        }
    }

    private static void closeQuietly(OrtSession s, OrtSession.SessionOptions so) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (OrtException ignored) {
            // already failing; the original error is reported
        }
        so.close();
    }

    /** Whether the graph takes integer timesteps (read from the session's input type). */
    public boolean integerTimesteps() {
        return timestepType == OnnxJavaType.INT64 || timestepType == OnnxJavaType.INT32;
    }

    /** Shape of one sample without the batch dimension. */
    public long[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public int sampleSize() {
        return sampleSize;
    }

    @Override
    public void predict(float[] x, float[] timestep, int batch, float[] out) {
        OrtEnvironment env = OrtEnvironments.shared();
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, batch * sampleSize), shape);
             OnnxTensor tt = timestepTensor(env, timestep, batch);
             OrtSession.Result r = session.run(Map.of(sampleName, xt, timestepName, tt))) {
            FloatBuffer o = ((OnnxTensor) r.get(outputName).orElseThrow()).getFloatBuffer();
            if (o.remaining() != batch * sampleSize) {
                throw new ArtException("timestep model " + label + ": expected " + batch * sampleSize
                        + " output values, found " + o.remaining());
            }
            o.get(out, 0, batch * sampleSize);
        } catch (OrtException e) {
            throw new ArtException("timestep model " + label + ": run failed (ORT error " + e.getCode() + ")", e);
        }
    }

    private OnnxTensor timestepTensor(OrtEnvironment env, float[] t, int batch) throws OrtException {
        long[] shape = {batch};
        switch (timestepType) {
            case INT64: {
                long[] v = new long[batch];
                for (int b = 0; b < batch; b++) {
                    v[b] = Math.round(t[b]);
                }
                return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
            }
            case INT32: {
                int[] v = new int[batch];
                for (int b = 0; b < batch; b++) {
                    v[b] = Math.round(t[b]);
                }
                return OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
            }
            case DOUBLE: {
                double[] v = new double[batch];
                for (int b = 0; b < batch; b++) {
                    v[b] = t[b];
                }
                return OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(v), shape);
            }
            default:
                return OnnxTensor.createTensor(env, FloatBuffer.wrap(t, 0, batch), shape);
        }
    }

    @Override
    public void close() {
        closeQuietly(session, options);
    }
}
