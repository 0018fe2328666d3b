package dev.artsched.training.cli;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.OptionalDouble;

/**
 * Resolves the {@code --denoiser} option of the CLI: {@code analytic:gauss1d} (the paper's 1-D benchmark,
 * sigma in [0.002, 3]), {@code analytic:mixture2d} (the 2-D mixture, sigma in [0.002, 10]) or the path of an
 * ONNX denoiser. The analytic models report the same sigma range metadata as their shipped ONNX exports.
 * Closing releases native resources of ONNX models.
 */
public final class DenoiserSource implements AutoCloseable {
    /** Prefix of the Java analytic models. */
    public static final String ANALYTIC = "analytic:";

    private final String spec;
    private final Denoiser denoiser;
    private final AutoCloseable resource;

    private DenoiserSource(String spec, Denoiser denoiser, AutoCloseable resource) {
        this.spec = spec;
        this.denoiser = denoiser;
        this.resource = resource;
    }

    /** Opens the denoiser named by {@code spec}. */
    public static DenoiserSource open(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new ArtException("--denoiser must be analytic:gauss1d, analytic:mixture2d or an ONNX file, found "
                    + "an empty value");
        }
        String s = spec.trim();
        if (s.startsWith(ANALYTIC)) {
            String name = s.substring(ANALYTIC.length());
            return switch (name) {
                case "gauss1d" -> new DenoiserSource(s, new Ranged(GaussianDenoiser.paper1d(), 0.002, 3.0), null);
                case "mixture2d" -> new DenoiserSource(s,
                        new Ranged(GaussianMixtureDenoiser.twoDimensionalBenchmark(), 0.002, 10.0), null);
                default -> throw new ArtException("unknown analytic denoiser '" + name
                        + "': expected analytic:gauss1d or analytic:mixture2d");
            };
        }
        return OnnxSupport.open(s);
    }

    static DenoiserSource of(String spec, Denoiser denoiser, AutoCloseable resource) {
        return new DenoiserSource(spec, denoiser, resource);
    }

    /** The spec as given. */
    public String spec() {
        return spec;
    }

    /** The denoiser. */
    public Denoiser denoiser() {
        return denoiser;
    }

    @Override
    public void close() {
        if (resource != null) {
            try {
                resource.close();
            } catch (ArtException e) {
                throw e;
            } catch (Exception e) {
                throw new ArtException("cannot close denoiser " + spec + ": " + e.getMessage(), e);
            }
        }
    }

    /** An analytic model with the sigma range metadata of its ONNX export. */
    private static final class Ranged implements JvpDenoiser {
        private final JvpDenoiser inner;
        private final double sigmaMin;
        private final double sigmaMax;

        Ranged(JvpDenoiser inner, double sigmaMin, double sigmaMax) {
            this.inner = inner;
            this.sigmaMin = sigmaMin;
            this.sigmaMax = sigmaMax;
        }

        @Override
        public int sampleSize() {
            return inner.sampleSize();
        }

        @Override
        public long[] sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            inner.denoise(x, sigma, batch, out);
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
