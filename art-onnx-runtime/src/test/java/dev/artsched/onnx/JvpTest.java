package dev.artsched.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvpTest {

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static void compare(JvpDenoiser onnx, JvpDenoiser exact, TestModels.Batch in, double tol) {
        float[] d1 = new float[in.x.length];
        float[] t1 = new float[in.x.length];
        float[] d2 = new float[in.x.length];
        float[] t2 = new float[in.x.length];
        onnx.jvp(in.x, in.sigma, in.xt, in.st, in.batch, d1, t1);
        exact.jvp(in.x, in.sigma, in.xt, in.st, in.batch, d2, t2);
        assertThat(TestModels.maxRelErr(d1, d2, in.batch, 1e-3)).isLessThan(tol);
        assertThat(TestModels.maxRelErr(t1, t2, in.batch, 1e-3)).isLessThan(tol);
    }

    @Test
    void gaussianJvpGraphMatchesTheClosedForm() {
        try (OnnxJvpDenoiser d = OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.GAUSS_JVP)) {
            compare(d, GaussianDenoiser.paper1d(), new TestModels.Batch(300, 1, 0.002, 3.0, 11), 1e-5);
            assertThat(d.sigmaMax()).hasValue(3.0);
        }
    }

    @Test
    void mixtureJvpGraphMatchesTheClosedForm() {
        try (OnnxJvpDenoiser d = OnnxJvpDenoiser.load(TestModels.MIXTURE, TestModels.MIXTURE_JVP)) {
            compare(d, GaussianMixtureDenoiser.twoDimensionalBenchmark(),
                    new TestModels.Batch(300, 2, 0.05, 10.0, 12), 1e-5);
        }
    }

    @Test
    void tinyUnetGraphsMatchTheTorchFloat64Reference() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(TestModels.TINY_REFERENCE.toFile());
        float[] x = floats(ref.get("x"));
        float[] sigma = floats(ref.get("sigma"));
        int batch = sigma.length;
        float[] den = new float[x.length];
        float[] tan = new float[x.length];
        float[] fwd = new float[x.length];
        try (OnnxJvpDenoiser d = OnnxJvpDenoiser.load(TestModels.TINY, TestModels.TINY_JVP)) {
            assertThat(d.sampleShape()).containsExactly(1L, 8L, 8L);
            assertThat(d.sigmaData()).hasValue(0.5);
            d.denoise(x, sigma, batch, fwd);
            d.jvp(x, sigma, floats(ref.get("x_tangent")), floats(ref.get("sigma_tangent")), batch, den, tan);
        }
        float[] expected = floats(ref.get("denoised"));
        assertThat(TestModels.maxRelErr(fwd, expected, batch, 1e-3)).isLessThan(1e-5);
        assertThat(TestModels.maxRelErr(den, expected, batch, 1e-3)).isLessThan(1e-5);
        assertThat(TestModels.maxRelErr(tan, floats(ref.get("denoised_tangent")), batch, 1e-3)).isLessThan(1e-4);
    }

    /**
     * Relative error of the FD JVP against the exported graph over 200 samples with sigma log-uniform in
     * [sMin, sMax]: {worst per-sample ||fd - jvp|| / ||jvp||, batch ||fd - jvp|| / ||jvp||}.
     */
    private static double[] fdError(OnnxJvpDenoiser exact, double eta, int dim, double sMin, double sMax, long seed) {
        TestModels.Batch in = new TestModels.Batch(200, dim, sMin, sMax, seed);
        float[] d1 = new float[in.x.length];
        float[] t1 = new float[in.x.length];
        float[] d2 = new float[in.x.length];
        float[] t2 = new float[in.x.length];
        exact.jvp(in.x, in.sigma, in.xt, in.st, in.batch, d1, t1);
        FiniteDifferenceJvp.of(exact.denoiser(), eta).jvp(in.x, in.sigma, in.xt, in.st, in.batch, d2, t2);
        assertThat(TestModels.maxRelErr(d2, d1, in.batch, 1e-3)).isLessThan(1e-5);
        return new double[] {TestModels.maxRelErr(t2, t1, in.batch, 1e-3), TestModels.maxRelErr(t2, t1, 1, 0)};
    }

    @Test
    void finiteDifferenceAgreesWithTheExportedJvpWithinItsDocumentedAccuracy() {
        try (OnnxJvpDenoiser gauss = OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.GAUSS_JVP);
             OnnxJvpDenoiser mix = OnnxJvpDenoiser.load(TestModels.MIXTURE, TestModels.MIXTURE_JVP);
             OnnxJvpDenoiser tiny = OnnxJvpDenoiser.load(TestModels.TINY, TestModels.TINY_JVP)) {
            double[] best = null;
            for (double eta : new double[] {1e-1, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4}) {
                double[] g = fdError(gauss, eta, 1, 0.05, 3.0, 21);
                double[] m = fdError(mix, eta, 2, 0.05, 10.0, 22);
                double[] t = fdError(tiny, eta, 64, 0.05, 10.0, 23);
                System.out.printf("FD JVP eta %.0e: relative error batch-norm / worst sample: gauss1d %.1e / %.1e,"
                        + " mixture2d %.1e / %.1e, tinyunet %.1e / %.1e%n", eta, g[1], g[0], m[1], m[0], t[1], t[0]);
                if (eta == FiniteDifferenceJvp.DEFAULT_ETA) {
                    assertThat(g[1]).isLessThan(2e-3);
                    assertThat(m[1]).isLessThan(2e-3);
                    assertThat(t[1]).isLessThan(2e-3);
                    assertThat(t[0]).isLessThan(5e-3);
                    assertThat(m[0]).isLessThan(2e-2);
                    best = m;
                }
                if (eta == 1e-1) {
                    assertThat(m[1]).isGreaterThan(2e-2);
                }
            }
            assertThat(best).isNotNull();
        }
    }

    @Test
    void artAccelerationFromTheFdFallbackMatchesTheGraph() {
        try (CloseableJvpDenoiser graph = OnnxModels.openJvp(TestModels.MIXTURE, TestModels.MIXTURE_JVP,
                OnnxOptions.defaults());
             CloseableJvpDenoiser fd = OnnxModels.openJvp(TestModels.MIXTURE, null, OnnxOptions.defaults())) {
            assertThat(fd).isInstanceOf(FiniteDifferenceJvp.class);
            float[] x = {0.7f, -1.2f, 2.5f, 0.1f};
            float[] sigma = {0.4f, 1.5f};
            float[] den = new float[4];
            graph.denoise(x, sigma, 2, den);
            float[] f = new float[4];
            for (int j = 0; j < 4; j++) {
                f[j] = (den[j] - x[j]) / sigma[j / 2];
            }
            float[] minusOne = {-1f, -1f};
            float[] q1 = new float[4];
            float[] q2 = new float[4];
            graph.jvp(x, sigma, f, minusOne, 2, den, q1);
            fd.jvp(x, sigma, f, minusOne, 2, den, q2);
            assertThat(TestModels.maxRelErr(q2, q1, 2, 1e-3)).isLessThan(1e-1);
        }
    }

    @Test
    void closingTheOwningWrappersClosesTheirSessions() {
        CloseableJvpDenoiser fd = OnnxModels.openJvp(TestModels.GAUSS, null, OnnxOptions.defaults());
        OnnxJvpDenoiser graph = OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.GAUSS_JVP);
        fd.close();
        graph.close();
        graph.close();
        float[] out = new float[1];
        assertThatThrownBy(() -> fd.denoise(new float[] {1f}, new float[] {1f}, 1, out))
                .isInstanceOf(ArtException.class).hasMessageContaining("is closed");
        assertThatThrownBy(() -> graph.jvp(new float[] {1f}, new float[] {1f}, new float[] {1f}, new float[] {1f}, 1,
                out, new float[1])).isInstanceOf(ArtException.class).hasMessageContaining("denoiser_jvp.onnx is closed");
    }

    @Test
    void zeroTangentGivesZeroAndEtaIsValidated() {
        FiniteDifferenceJvp fd = FiniteDifferenceJvp.of(GaussianDenoiser.paper1d());
        float[] den = new float[2];
        float[] tan = {9f, 9f};
        fd.jvp(new float[] {1f, 2f}, new float[] {0.5f, 1f}, new float[2], new float[2], 2, den, tan);
        assertThat(tan).containsExactly(0f, 0f);
        assertThatThrownBy(() -> FiniteDifferenceJvp.of(GaussianDenoiser.paper1d(), 0.0))
                .isInstanceOf(ArtException.class).hasMessage("finite-difference eta must be in (0, 0.5), found 0.0");
    }
}
