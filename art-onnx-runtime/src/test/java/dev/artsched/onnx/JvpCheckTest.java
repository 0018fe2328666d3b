package dev.artsched.onnx;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The load-time check of an exported JVP graph against finite differences of its model. */
class JvpCheckTest {

    /** The graph's JVP with its tangent multiplied by {@code factor}. */
    private static JvpDenoiser scaled(OnnxJvpDenoiser g, float factor) {
        return new JvpDenoiser() {
            @Override
            public int sampleSize() {
                return g.sampleSize();
            }

            @Override
            public long[] sampleShape() {
                return g.sampleShape();
            }

            @Override
            public void denoise(float[] x, float[] sigma, int batch, float[] out) {
                g.denoise(x, sigma, batch, out);
            }

            @Override
            public void jvp(float[] x, float[] sigma, float[] xt, float[] st, int batch, float[] den, float[] tan) {
                g.jvp(x, sigma, xt, st, batch, den, tan);
                for (int i = 0; i < tan.length; i++) {
                    tan[i] *= factor;
                }
            }
        };
    }

    @Test
    void theShippedGraphsPassAndWrongTangentsAreRefused() {
        for (var files : new java.nio.file.Path[][] {{TestModels.GAUSS, TestModels.GAUSS_JVP},
            {TestModels.MIXTURE, TestModels.MIXTURE_JVP}}) {
            try (OnnxDenoiser d = OnnxDenoiser.load(files[0]);
                 OnnxJvpDenoiser g = OnnxJvpDenoiser.load(files[0], files[1])) {
                double lo = d.sigmaMin().orElseThrow();
                double hi = d.sigmaMax().orElseThrow();
                assertThat(JvpCheck.relativeError(d, g, lo, hi, 1)).isLessThan(0.02);
                assertThatCode(() -> JvpCheck.verify(d, g, lo, hi, 1, "ok.onnx")).doesNotThrowAnyException();
                for (float f : new float[] {0f, -1f, 2f, 0.5f}) {
                    double e = JvpCheck.relativeError(d, scaled(g, f), lo, hi, 1);
                    assertThat(e).as("factor %s", f).isCloseTo(Math.abs(f - 1), org.assertj.core.data.Offset.offset(0.05));
                    assertThatThrownBy(() -> JvpCheck.verify(d, scaled(g, f), lo, hi, 1, "bad.onnx"))
                            .isInstanceOf(ArtException.class).hasMessageContaining("bad.onnx")
                            .hasMessageContaining("within a relative error of 0.1");
                }
            }
        }
    }
}
