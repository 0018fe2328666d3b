package dev.artsched.onnx;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ART's acceleration Q = (J_x D . F - dD/dsigma) / sigma along the flow at very small sigma, where one float32
 * forward difference with the default step rounds to exactly 0: the grown step must recover it to within 1%
 * of the exported JVP graph.
 */
class FiniteDifferenceSmallSigmaTest {

    @Test
    void qAtSmallSigmaIsResolvedNotZero() {
        try (OnnxJvpDenoiser exact = OnnxJvpDenoiser.load(TestModels.MIXTURE, TestModels.MIXTURE_JVP);
             FiniteDifferenceJvp fd = FiniteDifferenceJvp.of(exact)) {
            SplittableRandom rng = new SplittableRandom(3);
            int batch = 64;
            float[] x = new float[batch * 2];
            float[] sigma = new float[batch];
            float[] st = new float[batch];
            for (int b = 0; b < batch; b++) {
                sigma[b] = (float) Math.exp(rng.nextDouble(Math.log(0.002), Math.log(0.05)));
                st[b] = -1f;
                x[2 * b] = (float) ((rng.nextBoolean() ? 1 : -1) + 0.25 * rng.nextGaussian() + sigma[b] * rng.nextGaussian());
                x[2 * b + 1] = (float) ((rng.nextBoolean() ? 1 : -1) + 0.25 * rng.nextGaussian() + sigma[b] * rng.nextGaussian());
            }
            float[] d = new float[x.length];
            exact.denoise(x, sigma, batch, d);
            float[] f = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                f[i] = (d[i] - x[i]) / sigma[i / 2];
            }
            float[] dd = new float[x.length];
            float[] qExact = new float[x.length];
            float[] qFd = new float[x.length];
            exact.jvp(x, sigma, f, st, batch, dd, qExact);
            fd.jvp(x, sigma, f, st, batch, dd, qFd);
            double errAcc = 0;
            double normAcc = 0;
            int zeros = 0;
            for (int b = 0; b < batch; b++) {
                double e = Math.hypot(qFd[2 * b] - qExact[2 * b], qFd[2 * b + 1] - qExact[2 * b + 1]);
                double n = Math.hypot(qExact[2 * b], qExact[2 * b + 1]);
                if (Math.hypot(qFd[2 * b], qFd[2 * b + 1]) == 0 && n > 0) {
                    zeros++;
                }
                errAcc += e * e;
                normAcc += n * n;
            }
            assertThat(zeros).as("samples whose finite-difference JVP is exactly 0").isZero();
            assertThat(Math.sqrt(errAcc / normAcc)).as("relative error in the batch norm").isLessThan(0.01);
        }
    }
}
