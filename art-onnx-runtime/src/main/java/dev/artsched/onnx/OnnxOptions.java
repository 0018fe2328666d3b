package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;

/**
 * How an ONNX denoiser or JVP graph is opened: tensor names (defaults from the ARCHITECTURE.md contract),
 * execution provider and intra-op threads. Build with {@link #builder()} (all settings optional, DJL's
 * {@code opt*} convention) or use {@link #defaults()}.
 *
 * @param xName               input holding x, float32 [B, ...]
 * @param sigmaName           input holding sigma, float32 [B]
 * @param denoisedName        output D(x; sigma), shape of x
 * @param xTangentName        JVP graph input: tangent of x
 * @param sigmaTangentName    JVP graph input: tangent of sigma
 * @param denoisedTangentName JVP graph output: the JVP
 * @param executionProvider   requested provider ({@code cpu | cuda[:device] | auto})
 * @param intraOpThreads      ONNX Runtime intra-op threads, >= 1 (default 1: on 2 cores one is as fast as two)
 */
public record OnnxOptions(String xName, String sigmaName, String denoisedName, String xTangentName,
                          String sigmaTangentName, String denoisedTangentName, ExecutionProvider executionProvider,
                          int intraOpThreads) {

    /** Validates every field. */
    public OnnxOptions {
        checkName("xName", xName);
        checkName("sigmaName", sigmaName);
        checkName("denoisedName", denoisedName);
        checkName("xTangentName", xTangentName);
        checkName("sigmaTangentName", sigmaTangentName);
        checkName("denoisedTangentName", denoisedTangentName);
        if (executionProvider == null) {
            throw new ArtException("executionProvider must not be null");
        }
        if (intraOpThreads < 1) {
            throw new ArtException("intraOpThreads must be >= 1, found " + intraOpThreads);
        }
        if (xName.equals(sigmaName) || xTangentName.equals(sigmaTangentName) || xName.equals(xTangentName)) {
            throw new ArtException("input names must differ, found x = '" + xName + "', sigma = '" + sigmaName
                    + "', x_tangent = '" + xTangentName + "', sigma_tangent = '" + sigmaTangentName + "'");
        }
    }

    private static void checkName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new ArtException(what + " must be a non-blank tensor name, found '" + name + "'");
        }
    }

    /** Contract names, CPU, one intra-op thread. */
    public static OnnxOptions defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.xName = xName;
        b.sigmaName = sigmaName;
        b.denoisedName = denoisedName;
        b.xTangentName = xTangentName;
        b.sigmaTangentName = sigmaTangentName;
        b.denoisedTangentName = denoisedTangentName;
        b.executionProvider = executionProvider;
        b.intraOpThreads = intraOpThreads;
        return b;
    }

    /** Builder for {@link OnnxOptions}; every setting is optional. */
    public static final class Builder {
        private String xName = "x";
        private String sigmaName = "sigma";
        private String denoisedName = "denoised";
        private String xTangentName = "x_tangent";
        private String sigmaTangentName = "sigma_tangent";
        private String denoisedTangentName = "denoised_tangent";
        private ExecutionProvider executionProvider = ExecutionProvider.CPU;
        private int intraOpThreads = 1;

        private Builder() {
        }

        /** Names of the denoiser inputs and output (defaults {@code x}, {@code sigma}, {@code denoised}). */
        public Builder optNames(String x, String sigma, String denoised) {
            this.xName = x;
            this.sigmaName = sigma;
            this.denoisedName = denoised;
            return this;
        }

        /** Names of the JVP graph's extra tensors (defaults {@code x_tangent}, {@code sigma_tangent},
         * {@code denoised_tangent}). */
        public Builder optTangentNames(String xTangent, String sigmaTangent, String denoisedTangent) {
            this.xTangentName = xTangent;
            this.sigmaTangentName = sigmaTangent;
            this.denoisedTangentName = denoisedTangent;
            return this;
        }

        /** Requested execution provider (default CPU). */
        public Builder optExecutionProvider(ExecutionProvider provider) {
            this.executionProvider = provider;
            return this;
        }

        /** Requested execution provider as text: {@code cpu | cuda[:device] | auto}. */
        public Builder optExecutionProvider(String spec) {
            this.executionProvider = ExecutionProvider.parse(spec);
            return this;
        }

        /** ONNX Runtime intra-op threads (default 1). */
        public Builder optIntraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        /** The validated options. */
        public OnnxOptions build() {
            return new OnnxOptions(xName, sigmaName, denoisedName, xTangentName, sigmaTangentName,
                    denoisedTangentName, executionProvider, intraOpThreads);
        }
    }
}
