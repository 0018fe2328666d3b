package dev.artsched.eval;

import dev.artsched.onnx.OnnxFeatureGraph;

import java.nio.file.Path;

/**
 * A {@link FeatureExtractor} over an ONNX graph ({@link OnnxFeatureGraph}): one float32 input [B, ...] (the
 * samples, in the denoiser's data range; any preprocessing lives in the graph) and a float32 output [B, F, ...]
 * whose non-batch elements are the features. By default the input named {@code x} and the output named
 * {@code features} are used, else the first input and the first output. Runs on the CPU with one intra-op
 * thread; {@link #close()} closes the graph (never the shared ONNX Runtime environment), idempotently.
 */
public final class OnnxFeatureExtractor implements FeatureExtractor {
    private final OnnxFeatureGraph graph;

    private OnnxFeatureExtractor(OnnxFeatureGraph graph) {
        this.graph = graph;
    }

    /** Opens {@code file} with the default input ({@code x} or first) and output ({@code features} or first). */
    public static OnnxFeatureExtractor load(Path file) {
        return load(file, null, null);
    }

    /** Opens {@code file}; null names select the defaults. */
    public static OnnxFeatureExtractor load(Path file, String inputName, String outputName) {
        return new OnnxFeatureExtractor(OnnxFeatureGraph.load(file, inputName, outputName));
    }

    /** The shape of one input sample (without the batch dimension). */
    public long[] sampleShape() {
        return graph.sampleShape();
    }

    @Override
    public int sampleSize() {
        return graph.sampleSize();
    }

    @Override
    public int featureSize() {
        return graph.featureSize();
    }

    @Override
    public float[] extract(float[] samples, int batch) {
        return graph.extract(samples, batch);
    }

    @Override
    public void close() {
        graph.close();
    }
}
