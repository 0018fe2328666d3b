package dev.artsched.onnx;

import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.ConditionalDenoiser;
import dev.artsched.sampling.conditional.ConditionalJvpDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A {@link ConditionalDenoiser} backed by an ONNX graph with inputs {@code x} float32 [B, ...}, {@code sigma}
 * float32 [B] and any further inputs, which are its conditioning inputs (float32, float16, int64 or int32, each
 * [B, ...], or rank 0 / a leading 1 when shared by the batch), bound by name; output {@code denoised}. With
 * {@link #load(Path, Path, OnnxOptions)} the exported JVP graph (x, sigma, x_tangent, sigma_tangent and the same
 * conditioning inputs) is opened too and the object is a {@link ConditionalJvpDenoiser}. Wrap it in
 * {@link dev.artsched.sampling.conditional.ConditionedDenoiser} or
 * {@link dev.artsched.sampling.conditional.GuidedDenoiser} for a plain denoiser. Buffers, batching and
 * thread-safety are as in {@link OnnxDenoiser} (conditioning tensors are created per call); {@link #close()}
 * closes every session.
 */
public class OnnxConditionalDenoiser implements ConditionalDenoiser, AutoCloseable {
    private final OrtModel model;

    OnnxConditionalDenoiser(OrtModel model) {
        this.model = model;
    }

    /** Opens a conditional denoiser graph. */
    public static OnnxConditionalDenoiser load(Path file, OnnxOptions options) {
        return new OnnxConditionalDenoiser(OrtModel.openConditional(file, options, OnnxDenoiser.ports(options),
                OnnxDenoiser.outputs(options)));
    }

    /** Opens a conditional denoiser graph and its JVP graph; they must declare the same conditioning inputs. */
    public static WithJvp load(Path file, Path jvpFile, OnnxOptions options) {
        OrtModel d = OrtModel.openConditional(file, options, OnnxDenoiser.ports(options),
                OnnxDenoiser.outputs(options));
        try {
            OrtModel j = OrtModel.openConditional(jvpFile, options, OnnxJvpDenoiser.jvpInputs(options),
                    OnnxJvpDenoiser.jvpOutputs(options));
            if (!Arrays.equals(d.sampleShape(), j.sampleShape())
                    || !d.conditioningInputs().equals(j.conditioningInputs())) {
                j.close();
                throw new ArtException("JVP graph " + jvpFile + ": expected the sample shape "
                        + Arrays.toString(d.sampleShape()) + " and conditioning inputs " + d.conditioningInputs()
                        + " of the denoiser " + file + ", found " + Arrays.toString(j.sampleShape()) + " and "
                        + j.conditioningInputs());
            }
            return new WithJvp(d, j);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
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
    public List<CondSpec> conditioningInputs() {
        return model.conditioningInputs();
    }

    @Override
    public String label() {
        return model.label();
    }

    @Override
    public void denoise(float[] x, float[] sigma, Conditioning table, int[] rows, int batch, float[] out) {
        model.run(x, sigma, null, null, table, rows, batch, out, null);
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
    public java.util.Map<String, String> metadata() {
        return model.metadata();
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxConditionalDenoiser[" + model.label() + ", " + model.provider() + "]";
    }

    /** A conditional denoiser with its exported JVP graph. */
    public static final class WithJvp extends OnnxConditionalDenoiser implements ConditionalJvpDenoiser {
        private final OrtModel jvp;

        WithJvp(OrtModel model, OrtModel jvp) {
            super(model);
            this.jvp = jvp;
        }

        @Override
        public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, Conditioning table,
                        int[] rows, int batch, float[] denoised, float[] denoisedTangent) {
            jvp.run(x, sigma, xTangent, sigmaTangent, table, rows, batch, denoised, denoisedTangent);
        }

        @Override
        public void close() {
            try {
                jvp.close();
            } finally {
                super.close();
            }
        }
    }
}
