package dev.artsched.onnx;

import dev.artsched.sampling.ForwardingJvpDenoiser;
import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link dev.artsched.sampling.JvpDenoiser} over two ONNX graphs: the denoiser ({@code x}, {@code sigma} ->
 * {@code denoised}) for {@link #denoise} and the exported JVP graph ({@code x}, {@code sigma},
 * {@code x_tangent}, {@code sigma_tangent} -> {@code denoised}, {@code denoised_tangent}) for {@link #jvp}.
 * Both signatures are checked at load and must agree on the sample shape. Buffers, batching and
 * thread-safety are as in {@link OnnxDenoiser}; {@link #close()} closes both sessions.
 */
public final class OnnxJvpDenoiser extends ForwardingJvpDenoiser implements CloseableJvpDenoiser {
    private final OnnxDenoiser denoiser;
    private final OrtModel jvp;

    private OnnxJvpDenoiser(OnnxDenoiser denoiser, OrtModel jvp) {
        super(denoiser);
        this.denoiser = denoiser;
        this.jvp = jvp;
    }

    /** Opens both graphs with {@link OnnxOptions#defaults()}. */
    public static OnnxJvpDenoiser load(Path denoiserFile, Path jvpFile) {
        return load(denoiserFile, jvpFile, OnnxOptions.defaults());
    }

    /** Opens both graphs; closes whatever was opened if either fails. */
    public static OnnxJvpDenoiser load(Path denoiserFile, Path jvpFile, OnnxOptions options) {
        OnnxDenoiser d = OnnxDenoiser.load(denoiserFile, options);
        try {
            OrtModel j = OrtModel.open(jvpFile, options, jvpInputs(options), jvpOutputs(options));
            return checked(d, j);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static OnnxJvpDenoiser checked(OnnxDenoiser d, OrtModel j) {
        if (!Arrays.equals(d.sampleShape(), j.sampleShape())) {
            j.close();
            throw new ArtException("JVP graph " + j.label() + ": expected the sample shape of the denoiser "
                    + d.source() + " " + Arrays.toString(d.sampleShape()) + ", found "
                    + Arrays.toString(j.sampleShape()));
        }
        return new OnnxJvpDenoiser(d, j);
    }

    static List<OrtSignature.Port> jvpInputs(OnnxOptions o) {
        return List.of(new OrtSignature.Port(o.xName(), OrtSignature.Role.STATE),
                new OrtSignature.Port(o.sigmaName(), OrtSignature.Role.SCALAR),
                new OrtSignature.Port(o.xTangentName(), OrtSignature.Role.STATE),
                new OrtSignature.Port(o.sigmaTangentName(), OrtSignature.Role.SCALAR));
    }

    static List<OrtSignature.Port> jvpOutputs(OnnxOptions o) {
        return List.of(new OrtSignature.Port(o.denoisedName(), OrtSignature.Role.STATE),
                new OrtSignature.Port(o.denoisedTangentName(), OrtSignature.Role.STATE));
    }

    @Override
    public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                    float[] denoised, float[] denoisedTangent) {
        jvp.run(x, sigma, xTangent, sigmaTangent, batch, denoised, denoisedTangent);
    }

    /** The forward denoiser (owned by this object). */
    public OnnxDenoiser denoiser() {
        return denoiser;
    }

    /** The provider that actually runs the JVP graph. */
    public ExecutionProvider executionProvider() {
        return jvp.provider();
    }

    @Override
    public void close() {
        try {
            jvp.close();
        } finally {
            denoiser.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxJvpDenoiser[" + denoiser.source() + ", " + jvp.label() + ", " + jvp.provider() + "]";
    }
}
