package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.SchedulerOptions;
import dev.artsched.scheduler.adaptive.AdaptivePolicy;
import dev.artsched.scheduler.adaptive.AdaptivePolicyProvider;
import dev.artsched.scheduler.adaptive.NoiseLevelMap;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link AdaptivePolicy} backed by an exported policy graph ({@link PolicyWeights#toOnnx}): inputs {@code x}
 * float32 [B, ...], {@code t} and {@code k} float32 [B], output {@code mean} float32 [B]; metadata
 * {@code art.sigma_min}, {@code art.sigma_max} (the {@link NoiseLevelMap}), {@code art.sigma_data} and
 * {@code art.budget_steps}. The sample is preconditioned here, x / sqrt(sigma^2 + sigma_data^2), t comes from the
 * map and k is divided by the budget in steps. Thread-safe like {@link OnnxDenoiser}; close it when done.
 */
public final class OnnxPolicy implements AdaptivePolicy, AutoCloseable {
    private final OrtModel model;
    private final String name;
    private final NoiseLevelMap map;
    private final double sigmaData;
    private final double budgetSteps;

    private OnnxPolicy(OrtModel model, String name) {
        this.model = model;
        this.name = name;
        try {
            this.map = new NoiseLevelMap(required("art.sigma_min"), required("art.sigma_max"));
            this.sigmaData = model.number("art.sigma_data").orElse(1.0);
            this.budgetSteps = required("art.budget_steps");
            if (!(budgetSteps >= 1)) {
                throw new ArtException("policy graph " + model.label() + ": metadata art.budget_steps expected >= 1, "
                        + "found " + budgetSteps);
            }
        } catch (ArtException e) {
            model.close();
            throw e;
        }
    }

    private double required(String key) {
        return model.number(key).orElseThrow(() -> new ArtException("policy graph " + model.label()
                + ": expected metadata " + key + ", found none"));
    }

    private static List<OrtSignature.Port> inputs() {
        return List.of(new OrtSignature.Port("x", OrtSignature.Role.STATE),
                new OrtSignature.Port("t", OrtSignature.Role.SCALAR),
                new OrtSignature.Port("k", OrtSignature.Role.SCALAR));
    }

    /** Opens a policy graph file on the CPU. */
    public static OnnxPolicy load(Path file) {
        return new OnnxPolicy(OrtModel.open(file, OnnxOptions.defaults(), inputs(),
                List.of(new OrtSignature.Port("mean", OrtSignature.Role.SCALAR))), "onnx:path=" + file);
    }

    /** Opens a policy graph held in memory; {@code label} names it. */
    public static OnnxPolicy load(byte[] graph, String label) {
        return new OnnxPolicy(OrtModel.open(graph, label, OnnxOptions.defaults(), inputs(),
                List.of(new OrtSignature.Port("mean", OrtSignature.Role.SCALAR))), label);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NoiseLevelMap map() {
        return map;
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    /** The budget in steps the policy was trained for (its k is divided by it). */
    public int budgetSteps() {
        return (int) budgetSteps;
    }

    @Override
    public void decrements(float[] x, double[] sigma, int[] step, int batch, double[] out) {
        int n = model.sampleSize();
        float[] xin = new float[batch * n];
        float[] t = new float[batch];
        float[] k = new float[batch];
        for (int b = 0; b < batch; b++) {
            float c = (float) (1.0 / Math.sqrt(sigma[b] * sigma[b] + sigmaData * sigmaData));
            for (int j = b * n; j < (b + 1) * n; j++) {
                xin[j] = x[j] * c;
            }
            t[b] = (float) map.t(sigma[b]);
            k[b] = (float) (step[b] / budgetSteps);
        }
        float[] mean = new float[batch];
        model.run(xin, t, k, null, batch, mean, null);
        for (int b = 0; b < batch; b++) {
            out[b] = mean[b];
        }
    }

    @Override
    public void close() {
        model.close();
    }

    /** Provider of {@code onnx:path=FILE}. */
    public static final class Provider implements AdaptivePolicyProvider {
        @Override
        public String name() {
            return "onnx";
        }

        @Override
        public AdaptivePolicy create(Map<String, String> options) {
            SchedulerOptions o = new SchedulerOptions("onnx", options, Set.of("path"));
            String path = o.string("path", null);
            o.require(path != null && !path.isBlank(), "path", "the policy graph file", "none");
            return load(Path.of(path));
        }
    }
}
