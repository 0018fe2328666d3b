package dev.artsched.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.artsched.sampling.adapters.ConditionalTimestepModel;
import dev.artsched.sampling.adapters.TimestepModel;
import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.scheduler.ArtException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A raw ONNX network in its own parameterisation (epsilon, v or flow velocity), for the adapters in
 * {@code dev.artsched.sampling.adapters}: inputs {@code sample} float32 {@code [B, ...]} and {@code timestep}
 * {@code [B]}, output float32 of the sample's shape (names configurable). The timestep input's element type is
 * read from the session: float32/float64 graphs get fractional timesteps, int32/int64 graphs get them rounded
 * ({@link #integerTimesteps()}, pass it to the adapter). The timestep may also be rank 0 (or [1]), shared by the
 * batch (the diffusers UNet export): samples with equal timesteps run together. Any further input is a
 * conditioning input (e.g. {@code encoder_hidden_states}; see {@link ConditionalTimestepModel}), fed from a bound
 * conditioning table. A view of one {@link OrtModel}: thread-safe (one shared
 * session, per-thread I/O buffers); {@link #close()} is idempotent.
 */
public final class OnnxTimestepModel implements TimestepModel, ConditionalTimestepModel, AutoCloseable {
    private final OrtModel model;
    private final OnnxJavaType timestepType;

    private OnnxTimestepModel(OrtModel model) {
        this.model = model;
        this.timestepType = model.inputType(1);
    }

    /** Opens a raw network with inputs {@code sample}, {@code timestep} and its single output named {@code out}. */
    public static OnnxTimestepModel load(Path file, String sampleName, String timestepName, String outputName) {
        return load(file, sampleName, timestepName, outputName, OnnxOptions.defaults());
    }

    /**
     * Opens a raw network on the execution provider and with the intra-op threads of {@code options} (its tensor
     * names are not used). A null name is recognised from the graph: the sample input {@code sample} (diffusers /
     * optimum exports) else {@code x}, the timestep {@code timestep} else {@code sigma} or {@code t}, the output
     * {@code out_sample} else {@code denoised}, else the graph's only output.
     */
    public static OnnxTimestepModel load(Path file, String sampleName, String timestepName, String outputName,
                                         OnnxOptions options) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new ArtException("timestep model " + file + ": no such file");
        }
        String label = file.toString();
        return new OnnxTimestepModel(OrtModel.open(label, options, OrtSessions.Source.file(file),
                session -> layout(label, session, sampleName, timestepName, outputName), errors(label)));
    }

    private static OrtLayout layout(String label, OrtSession session, String sampleName, String timestepName,
                                          String outputName) throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        sampleName = sampleName != null ? sampleName : first(in, "sample", "x");
        timestepName = timestepName != null ? timestepName : first(in, "timestep", "sigma", "t");
        outputName = outputName != null ? outputName : out.size() == 1 && !out.containsKey("out_sample")
                && !out.containsKey("denoised") ? out.keySet().iterator().next() : first(out, "out_sample", "denoised");
        if (!in.containsKey(sampleName) || !in.containsKey(timestepName) || !out.containsKey(outputName)) {
            throw new ArtException("timestep model " + label + ": expected inputs [" + sampleName + ", " + timestepName
                    + "] and output [" + outputName + "], found inputs " + in.keySet() + " and outputs "
                    + out.keySet());
        }
        TensorInfo x = tensor(label, in.get(sampleName));
        TensorInfo t = tensor(label, in.get(timestepName));
        TensorInfo y = tensor(label, out.get(outputName));
        if (x.type != OnnxJavaType.FLOAT || x.getShape().length < 2) {
            throw new ArtException("timestep model " + label + ": input '" + sampleName
                    + "' must be float32 [B, ...], found " + x.type + " " + Arrays.toString(x.getShape()));
        }
        long[] shape = Arrays.copyOfRange(x.getShape(), 1, x.getShape().length);
        for (long s : shape) {
            if (s <= 0) {
                throw new ArtException("timestep model " + label + ": sample dimensions must be fixed, found "
                        + Arrays.toString(x.getShape()));
            }
        }
        long[] ts = t.getShape();
        boolean sharedT = ts.length == 0 || (ts.length == 1 && ts[0] == 1 && x.getShape()[0] != 1);
        if (ts.length > 1 || !(t.type == OnnxJavaType.FLOAT || t.type == OnnxJavaType.DOUBLE
                || t.type == OnnxJavaType.INT64 || t.type == OnnxJavaType.INT32)) {
            throw new ArtException("timestep model " + label + ": input '" + timestepName
                    + "' must be a [B] (or rank-0) float32, float64, int32 or int64 tensor, found " + t.type + " "
                    + Arrays.toString(t.getShape()));
        }
        if (y.type != OnnxJavaType.FLOAT) {
            throw new ArtException("timestep model " + label + ": output '" + outputName
                    + "' must be float32 of the sample's shape, found " + y.type + " " + Arrays.toString(y.getShape()));
        }
        long batch = x.getShape()[0];
        List<OrtLayout.CondPort> cond = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : in.entrySet()) {
            if (!e.getKey().equals(sampleName) && !e.getKey().equals(timestepName)) {
                OrtLayout.CondPort c = OrtSignature.condPort(e.getKey(), e.getValue(), batch, problems);
                if (c != null) {
                    cond.add(c);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ArtException("timestep model " + label + ": " + String.join("; ", problems));
        }
        return new OrtLayout(
                List.of(new IoSlots.Spec(sampleName, OnnxJavaType.FLOAT, shape, 0f),
                        sharedT ? IoSlots.Spec.shared(timestepName, t.type, ts)
                                : new IoSlots.Spec(timestepName, t.type, new long[0], 1f)),
                List.of(new IoSlots.Spec(outputName, OnnxJavaType.FLOAT, shape, 0f)),
                batch > 0 ? (int) batch : 0, cond);
    }

    private static String first(Map<String, NodeInfo> nodes, String... names) {
        for (String n : names) {
            if (nodes.containsKey(n)) {
                return n;
            }
        }
        return names[0];
    }

    private static TensorInfo tensor(String label, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new ArtException("timestep model " + label + ": '" + info.getName() + "' must be a tensor");
        }
        return t;
    }

    private static OrtErrors errors(String label) {
        return new OrtErrors() {
            @Override
            public ArtException loadFailed(OrtException e) {
                return new ArtException("timestep model " + label + ": ONNX Runtime cannot load it (ORT error "
                        + e.getCode() + ")", e);
            }

            @Override
            public ArtException runFailed(OrtException e, int batch) {
                return new ArtException("timestep model " + label + ": run failed (ORT error " + e.getCode() + ")", e);
            }

            @Override
            public ArtException closed() {
                return new ArtException("timestep model " + label + " is closed; expected an open model");
            }

            @Override
            public ArtException closeFailed(OrtException e) {
                return new ArtException("timestep model " + label + ": closing failed (ORT error " + e.getCode()
                        + ")", e);
            }
        };
    }

    /** Whether the graph takes integer timesteps (read from the session's input type). */
    public boolean integerTimesteps() {
        return timestepType == OnnxJavaType.INT64 || timestepType == OnnxJavaType.INT32;
    }

    /** Shape of one sample without the batch dimension. */
    public long[] sampleShape() {
        return model.sampleShape();
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    /** The provider that actually runs this graph ({@code cpu} or {@code cuda:N}). */
    public ExecutionProvider executionProvider() {
        return model.provider();
    }

    @Override
    public void predict(float[] x, float[] timestep, int batch, float[] out) {
        if (!model.conditioningInputs().isEmpty()) {
            throw new ArtException("timestep model " + model.label() + " declares conditioning inputs "
                    + model.conditioningInputs() + ": expected a conditioning set, found none");
        }
        model.run(x, timestep, null, null, batch, out, null);
    }

    @Override
    public void predict(float[] x, float[] timestep, Conditioning table, int[] rows, int batch, float[] out) {
        model.run(x, timestep, null, null, table, rows, batch, out, null);
    }

    @Override
    public List<CondSpec> conditioningInputs() {
        return model.conditioningInputs();
    }

    @Override
    public String label() {
        return model.label();
    }

    /** The names of all custom metadata of the graph. */
    public Map<String, String> metadata() {
        return model.metadata();
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxTimestepModel[" + model.label() + ", " + model.provider() + "]";
    }
}
