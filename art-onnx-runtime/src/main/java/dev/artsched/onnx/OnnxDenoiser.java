package dev.artsched.onnx;

import ai.onnxruntime.OrtSession;
import dev.artsched.sampling.Denoiser;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A {@link Denoiser} backed by an ONNX graph with inputs {@code x} float32 [B, ...] and {@code sigma} float32
 * [B] and output {@code denoised} (shape of x), checked when the model is opened; {@code art.sigma_min},
 * {@code art.sigma_max} and {@code art.sigma_data} metadata are exposed. Batches of any size are accepted:
 * with a dynamic batch dimension one call runs the whole batch; with a fixed batch dimension F the batch is
 * run in chunks of F, the last chunk padded.
 *
 * <p>Each call copies x and sigma into direct native-order buffers that ONNX Runtime reads in place and reads
 * the result from a pinned output tensor, all created once per (thread, batch size) and reused, so a
 * steady-state call allocates (almost) nothing on the Java heap. Thread-safety: one instance (one
 * {@code OrtSession}) may be shared by many threads; each thread gets its own buffers (up to four batch sizes
 * per thread). {@link #close()} must not race with running calls; it is idempotent and never closes the shared
 * {@code OrtEnvironment}.
 */
public final class OnnxDenoiser implements Denoiser, AutoCloseable {
    private final OrtModel model;

    private OnnxDenoiser(OrtModel model) {
        this.model = model;
    }

    /** Opens a model file with {@link OnnxOptions#defaults()}. */
    public static OnnxDenoiser load(Path file) {
        return load(file, OnnxOptions.defaults());
    }

    /** Opens a model file. A missing, an empty and a corrupt or truncated file each give a clear error. */
    public static OnnxDenoiser load(Path file, OnnxOptions options) {
        return checked(new OnnxDenoiser(OrtModel.open(file, options, ports(options), outputs(options))));
    }

    /** Opens a model held in memory; {@code label} names it in error messages. */
    public static OnnxDenoiser load(byte[] model, String label, OnnxOptions options) {
        return checked(new OnnxDenoiser(OrtModel.open(model, label, options, ports(options), outputs(options))));
    }

    /**
     * Model sanity at load: the sigma range metadata must be finite, positive, ordered and within what float32
     * resolves ({@link dev.artsched.scheduler.SigmaRange#MAX_SIGMA}); the model is closed otherwise.
     */
    private static OnnxDenoiser checked(OnnxDenoiser d) {
        try {
            OptionalDouble min = d.sigmaMin();
            OptionalDouble max = d.sigmaMax();
            if (min.isPresent() && !(min.getAsDouble() > 0)) {
                throw new dev.artsched.scheduler.ArtException("metadata art.sigma_min must be > 0, found "
                        + min.getAsDouble());
            }
            new dev.artsched.scheduler.SigmaRange(min, max);
            if (min.isPresent()) {
                dev.artsched.scheduler.SigmaRange.checkSigma("metadata art.sigma_min", min.getAsDouble());
            }
            if (max.isPresent()) {
                dev.artsched.scheduler.SigmaRange.checkSigma("metadata art.sigma_max", max.getAsDouble());
            }
            d.sigmaData();
            return d;
        } catch (dev.artsched.scheduler.ArtException e) {
            d.close();
            String m = e.getMessage();
            throw new dev.artsched.scheduler.ArtException(m.startsWith("ONNX model") ? m
                    : "ONNX model " + d.source() + ": " + m.replace("model sigma_", "metadata art.sigma_"), e);
        }
    }

    static List<OrtSignature.Port> ports(OnnxOptions o) {
        return List.of(new OrtSignature.Port(o.xName(), OrtSignature.Role.STATE),
                new OrtSignature.Port(o.sigmaName(), OrtSignature.Role.SCALAR));
    }

    static List<OrtSignature.Port> outputs(OnnxOptions o) {
        return List.of(new OrtSignature.Port(o.denoisedName(), OrtSignature.Role.STATE));
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    @Override
    public long[] sampleShape() {
        return model.sampleShape();
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        model.run(x, sigma, null, null, batch, out, null);
    }

    @Override
    public OptionalDouble sigmaMin() {
        return model.number("art.sigma_min");
    }

    @Override
    public OptionalDouble sigmaMax() {
        return model.number("art.sigma_max");
    }

    @Override
    public OptionalDouble sigmaData() {
        return model.number("art.sigma_data");
    }

    /** All custom metadata_props of the graph. */
    public Map<String, String> metadata() {
        return model.metadata();
    }

    /** The provider that actually runs this graph ({@code cpu} or {@code cuda:N}). */
    public ExecutionProvider executionProvider() {
        return model.provider();
    }

    /** Why a requested CUDA provider was not used (ORT error code and reason), if it was not. */
    public Optional<String> fallbackReason() {
        return model.fallbackReason();
    }

    /** The graph's fixed batch size, or 0 when its batch dimension is dynamic. */
    public int fixedBatch() {
        return model.fixedBatch();
    }

    /** The file or label the model was loaded from. */
    public String source() {
        return model.label();
    }

    /** The shared, thread-safe session (for benchmarks comparing against raw ONNX Runtime calls). */
    @SuppressWarnings("exports")
    public OrtSession session() {
        return model.session();
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxDenoiser[" + model.label() + ", " + model.provider() + "]";
    }
}
