package dev.artsched.training.problem;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.ArtException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Map;

/**
 * The analytic models selectable as {@code --denoiser analytic:NAME}: {@code gauss1d} (the paper's 1-D
 * benchmark, data N(0, 1), T = 3, initial state from the exact marginal N(0, 1 + T^2)) and {@code mixture2d}
 * (four equal Gaussians at (+-1, +-1) with std 0.25, T = 10 like the shipped ONNX model, initial state
 * T * N(0, I)); members of the generated family as {@code zoo-SEED} ({@link ModelZoo}, initial state T * N(0, I));
 * class-conditional mixtures as {@code classmix-SEED} ({@link ClassConditionalMixture}: unconditional here, with
 * a conditioning set through {@code DenoiserSource.open(spec, options)}; initial state T * N(0, I)).
 */
public final class AnalyticModels {
    /** Prefix of analytic model specs on the command line. */
    public static final String PREFIX = "analytic:";
    /** The 2-D mixture's T (the shipped {@code models/mixture2d} graph's {@code art.sigma_max}). */
    public static final double MIXTURE2D_T = 10.0;
    /** The 1-D benchmark's T. */
    public static final double GAUSS1D_T = 3.0;

    private AnalyticModels() {
    }

    /** The names accepted after {@link #PREFIX}. */
    public static List<String> names() {
        return List.of("gauss1d", "mixture2d");
    }

    /** The denoiser (with its exact JVP) called {@code name}. */
    public static JvpDenoiser denoiser(String name) {
        if (name != null && name.startsWith(ModelZoo.PREFIX)) {
            return ModelZoo.parse(name).model();
        }
        if (name != null && name.startsWith(ClassConditionalMixture.PREFIX)) {
            return ClassConditionalMixture.parse(name).unconditional();
        }
        switch (name == null ? "" : name) {
            case "gauss1d":
                return GaussianDenoiser.paper1d();
            case "mixture2d":
                return GaussianMixtureDenoiser.twoDimensionalBenchmark();
            default:
                throw new ArtException("unknown analytic model '" + name + "': expected one of " + names());
        }
    }

    /** The exact double-precision flow of {@code name}. */
    public static FlowModel exactFlow(String name) {
        JvpDenoiser d = denoiser(name);
        return d instanceof GaussianDenoiser g ? new ExactFlowModel(g)
                : new ExactFlowModel((GaussianMixtureDenoiser) d);
    }

    /** The model's default T. */
    public static double defaultSigmaMax(String name) {
        denoiser(name);
        if (name.startsWith(ModelZoo.PREFIX)) {
            return ModelZoo.parse(name).sigmaMax();
        }
        if (name.startsWith(ClassConditionalMixture.PREFIX)) {
            return ClassConditionalMixture.parse(name).defaultSigmaMax();
        }
        return "gauss1d".equals(name) ? GAUSS1D_T : MIXTURE2D_T;
    }

    /** The initial-state distribution of the problem on {@code name} with horizon {@code sigmaMax}. */
    public static InitialState initialState(String name, double sigmaMax) {
        denoiser(name);
        return "gauss1d".equals(name) ? InitialState.normal(Math.sqrt(1.0 + sigmaMax * sigmaMax))
                : InitialState.normal(sigmaMax);
    }

    /** The paper's 1-D benchmark with its exact flow: T = 3, sigma_min 0.002, Euclidean |Q|. */
    public static ArtProblem paper1d() {
        return problem("gauss1d", exactFlow("gauss1d"), GAUSS1D_T, ArtProblem.DEFAULT_SIGMA_MIN);
    }

    /** A problem on analytic model {@code name} with any flow over it (exact or finite differences). */
    public static ArtProblem problem(String name, FlowModel flow, double sigmaMax, double sigmaMin) {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("model", PREFIX + name);
        return new ArtProblem(flow, sigmaMax, sigmaMin, initialState(name, sigmaMax),
                QNorm.forDimension(flow.dim()), prov);
    }

    /** The denoiser {@code name} reporting the sigma range of its shipped ONNX export (sigma_min 0.002, T). */
    public static JvpDenoiser ranged(String name) {
        return new Ranged(denoiser(name), 0.002, defaultSigmaMax(name));
    }

    /** An analytic model with the sigma range metadata of its ONNX export. */
    private static final class Ranged extends dev.artsched.sampling.ForwardingJvpDenoiser {
        private final JvpDenoiser inner;
        private final double sigmaMin;
        private final double sigmaMax;

        Ranged(JvpDenoiser inner, double sigmaMin, double sigmaMax) {
            super(inner);
            this.inner = inner;
            this.sigmaMin = sigmaMin;
            this.sigmaMax = sigmaMax;
        }

        @Override
        public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                        float[] denoised, float[] denoisedTangent) {
            inner.jvp(x, sigma, xTangent, sigmaTangent, batch, denoised, denoisedTangent);
        }

        @Override
        public OptionalDouble sigmaMin() {
            return OptionalDouble.of(sigmaMin);
        }

        @Override
        public OptionalDouble sigmaMax() {
            return OptionalDouble.of(sigmaMax);
        }

        @Override
        public OptionalDouble sigmaData() {
            return OptionalDouble.of(1.0);
        }
    }
}
