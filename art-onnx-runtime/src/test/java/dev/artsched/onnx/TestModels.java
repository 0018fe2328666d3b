package dev.artsched.onnx;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** Paths of the shipped and test models, relative to the module directory (Surefire's working directory). */
final class TestModels {
    static final Path MODELS = Path.of("..", "models");
    static final Path GAUSS = MODELS.resolve("gauss1d").resolve("denoiser.onnx");
    static final Path GAUSS_JVP = MODELS.resolve("gauss1d").resolve("denoiser_jvp.onnx");
    static final Path MIXTURE = MODELS.resolve("mixture2d").resolve("denoiser.onnx");
    static final Path MIXTURE_JVP = MODELS.resolve("mixture2d").resolve("denoiser_jvp.onnx");
    static final Path RESOURCES = Path.of("src", "test", "resources", "onnx");
    static final Path TINY = RESOURCES.resolve("tinyunet").resolve("denoiser.onnx");
    static final Path TINY_JVP = RESOURCES.resolve("tinyunet").resolve("denoiser_jvp.onnx");
    static final Path TINY_REFERENCE = RESOURCES.resolve("tinyunet").resolve("reference.json");

    private TestModels() {
    }

    /** Batch inputs: sigma log-uniform in [sMin, sMax], x = mu + sigma z with mu in [-1.5, 1.5]^d, unit tangents. */
    static final class Batch {
        final float[] x;
        final float[] sigma;
        final float[] xt;
        final float[] st;
        final int batch;
        final int dim;

        Batch(int batch, int dim, double sMin, double sMax, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            this.batch = batch;
            this.dim = dim;
            x = new float[batch * dim];
            xt = new float[batch * dim];
            sigma = new float[batch];
            st = new float[batch];
            for (int b = 0; b < batch; b++) {
                double s = Math.exp(Math.log(sMin) + (Math.log(sMax) - Math.log(sMin)) * r.nextDouble());
                sigma[b] = (float) s;
                st[b] = (float) (r.nextDouble() * 2 - 1);
                for (int j = 0; j < dim; j++) {
                    x[b * dim + j] = (float) (3 * r.nextDouble() - 1.5 + s * gauss(r));
                    xt[b * dim + j] = (float) gauss(r);
                }
            }
        }

        private static double gauss(SplittableRandom r) {
            return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
        }
    }

    /** Largest per-sample relative error ||a_b - e_b|| / max(||e_b||, floor). */
    static double maxRelErr(float[] actual, float[] expected, int batch, double floor) {
        int d = expected.length / batch;
        double worst = 0;
        for (int b = 0; b < batch; b++) {
            double num = 0;
            double den = 0;
            for (int j = b * d; j < (b + 1) * d; j++) {
                double diff = (double) actual[j] - expected[j];
                num += diff * diff;
                den += (double) expected[j] * expected[j];
            }
            worst = Math.max(worst, Math.sqrt(num) / Math.max(Math.sqrt(den), floor));
        }
        return worst;
    }

    /** Largest element-wise relative error |a - e| / max(|e|, floor). */
    static double maxElementRelErr(float[] actual, float[] expected, double floor) {
        double worst = 0;
        for (int j = 0; j < expected.length; j++) {
            worst = Math.max(worst, Math.abs((double) actual[j] - expected[j]) / Math.max(Math.abs(expected[j]), floor));
        }
        return worst;
    }
}
