package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForwardingJvpDenoiserTest {

    /** D(x; sigma) = x / (1 + sigma) on samples of shape [2, 3], with a known sigma range. */
    private static final Denoiser SCALED = new Denoiser() {
        @Override
        public int sampleSize() {
            return 6;
        }

        @Override
        public long[] sampleShape() {
            return new long[] {2, 3};
        }

        @Override
        public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            for (int i = 0; i < batch * 6; i++) {
                out[i] = x[i] / (1 + sigma[i / 6]);
            }
        }

        @Override
        public OptionalDouble sigmaMin() {
            return OptionalDouble.of(0.01);
        }

        @Override
        public OptionalDouble sigmaMax() {
            return OptionalDouble.of(80);
        }

        @Override
        public OptionalDouble sigmaData() {
            return OptionalDouble.of(0.5);
        }
    };

    /** Adds only a JVP (of x / (1 + sigma), computed directly). */
    private static class WithJvp extends ForwardingJvpDenoiser {
        WithJvp(Denoiser d) {
            super(d);
        }

        @Override
        public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                        float[] denoised, float[] denoisedTangent) {
            delegate().denoise(x, sigma, batch, denoised);
            for (int i = 0; i < batch * 6; i++) {
                float s = 1 + sigma[i / 6];
                denoisedTangent[i] = xTangent[i] / s - x[i] * sigmaTangent[i / 6] / (s * s);
            }
        }
    }

    @Test
    void everyDenoiserMethodReachesTheDelegate() {
        WithJvp d = new WithJvp(SCALED);
        assertThat(d.sampleSize()).isEqualTo(6);
        assertThat(d.sampleShape()).containsExactly(2, 3);
        assertThat(d.sigmaMin()).hasValue(0.01);
        assertThat(d.sigmaMax()).hasValue(80);
        assertThat(d.sigmaData()).hasValue(0.5);
        float[] x = {1, 2, 3, 4, 5, 6, -2, -4, -6, -8, -10, -12};
        float[] out = new float[12];
        d.denoise(x, new float[] {1, 3}, 2, out);
        assertThat(out).containsExactly(0.5f, 1, 1.5f, 2, 2.5f, 3, -0.5f, -1, -1.5f, -2, -2.5f, -3);
        float[] tangent = new float[12];
        d.jvp(x, new float[] {1, 3}, new float[12], new float[] {1, 0}, 2, out, tangent);
        assertThat(tangent).startsWith(-0.25f, -0.5f).endsWith(0f);
    }

    @Test
    void overridesReplaceOnlyWhatTheyOverride() {
        ForwardingJvpDenoiser ranged = new WithJvp(SCALED) {
            @Override
            public OptionalDouble sigmaMax() {
                return OptionalDouble.of(3);
            }
        };
        assertThat(ranged.sigmaMax()).hasValue(3);
        assertThat(ranged.sigmaMin()).hasValue(0.01);
        assertThat(ranged.sampleShape()).containsExactly(2, 3);
    }

    @Test
    void aNullDelegateIsRejected() {
        assertThatThrownBy(() -> new WithJvp(null)).isInstanceOf(ArtException.class)
                .hasMessage("the delegate denoiser must not be null");
    }
}
