package dev.artsched.onnx;

import java.nio.file.Path;

/** Opens the JVP-capable denoiser the trainer uses: the exported JVP graph if given, else a finite difference. */
public final class OnnxModels {
    private OnnxModels() {
    }

    /**
     * @param denoiserFile the denoiser graph
     * @param jvpFile      the JVP graph, or {@code null} for {@link FiniteDifferenceJvp} with its default eta
     * @param options      names, provider, threads
     * @return an owning wrapper; closing it closes every session it opened
     */
    public static CloseableJvpDenoiser openJvp(Path denoiserFile, Path jvpFile, OnnxOptions options) {
        if (jvpFile != null) {
            return OnnxJvpDenoiser.load(denoiserFile, jvpFile, options);
        }
        return FiniteDifferenceJvp.owning(OnnxDenoiser.load(denoiserFile, options), FiniteDifferenceJvp.DEFAULT_ETA);
    }
}
