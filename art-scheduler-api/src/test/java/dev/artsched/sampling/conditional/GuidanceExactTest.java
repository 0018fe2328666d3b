package dev.artsched.sampling.conditional;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Classifier-free guidance on the exact class-conditional mixture: the generic wrapper (one call of 2B on the
 * conditional model) against the closed form, the closed form against the score of the tilted density, and the
 * JVP against finite differences, all in double where the closed form is concerned.
 */
class GuidanceExactTest {
    private static final ClassConditionalMixture MODEL = ClassConditionalMixture.member(3);

    @Test
    void genericGuidedWrapperEqualsTheClosedFormForDAndJvp() {
        int c = MODEL.classes();
        int d = MODEL.sampleSize();
        long[] labels = new long[c];
        for (int k = 0; k < c; k++) {
            labels[k] = k;
        }
        double w = 3.0;
        JvpDenoiser g = (JvpDenoiser) GuidedDenoiser.of(MODEL, Conditioning.labels("class_labels", labels),
                Conditioning.labels("class_labels", c), w, 11);
        int[] order = ((GuidedDenoiser) g).rowOrder();
        int batch = 2 * c + 1;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[batch * d];
        float[] xt = new float[batch * d];
        float[] s = new float[batch];
        float[] st = new float[batch];
        for (int b = 0; b < batch; b++) {
            s[b] = (float) Math.exp(Math.log(0.05) + r.nextDouble() * Math.log(20 / 0.05));
            st[b] = (float) (r.nextDouble() * 2 - 1);
            for (int j = 0; j < d; j++) {
                x[b * d + j] = (float) (r.nextGaussian() * (1 + s[b]));
                xt[b * d + j] = (float) r.nextGaussian();
            }
        }
        float[] out = new float[batch * d];
        float[] tOut = new float[batch * d];
        float[] fwd = new float[batch * d];
        g.jvp(x, s, xt, st, batch, out, tOut);
        g.denoise(x, s, batch, fwd);
        double worstD = 0;
        double worstT = 0;
        for (int b = 0; b < batch; b++) {
            double[] xi = new double[d];
            double[] ti = new double[d];
            for (int j = 0; j < d; j++) {
                xi[j] = x[b * d + j];
                ti[j] = xt[b * d + j];
            }
            double[] want = new double[d];
            double[] wantT = new double[d];
            MODEL.guided(xi, s[b], order[b % c], w, ti, st[b], want, wantT);
            for (int j = 0; j < d; j++) {
                worstD = Math.max(worstD, Math.abs(out[b * d + j] - want[j]) / Math.max(1, Math.abs(want[j])));
                worstD = Math.max(worstD, Math.abs(fwd[b * d + j] - want[j]) / Math.max(1, Math.abs(want[j])));
                worstT = Math.max(worstT, Math.abs(tOut[b * d + j] - wantT[j]) / Math.max(1, Math.abs(wantT[j])));
            }
        }
        assertThat(worstD).isLessThan(1e-6);
        assertThat(worstT).isLessThan(1e-6);
    }

    @Test
    void closedFormGuidedDenoiserIsTheDenoiserOfTheTiltedDensity() {
        // D_w(x) = x + s^2 grad[(1 - w) log p_u + w log p_c]: the score of p_u^(1-w) p_c^w, by central differences
        SplittableRandom r = new SplittableRandom(9);
        int d = MODEL.sampleSize();
        for (int trial = 0; trial < 20; trial++) {
            int label = r.nextInt(MODEL.classes());
            double w = 0.5 + 4 * r.nextDouble();
            double s = Math.exp(Math.log(0.1) + r.nextDouble() * Math.log(100));
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian() * (1 + s);
            }
            double[] want = new double[d];
            MODEL.guided(x, s, label, w, null, 0, want, null);
            for (int j = 0; j < d; j++) {
                double h = 1e-4 * (1 + s);
                double[] p = x.clone();
                double[] m = x.clone();
                p[j] += h;
                m[j] -= h;
                double grad = ((1 - w) * (MODEL.logDensity(p, s, MODEL.classes()) - MODEL.logDensity(m, s,
                        MODEL.classes())) + w * (MODEL.logDensity(p, s, label) - MODEL.logDensity(m, s, label)))
                        / (2 * h);
                double fromScore = x[j] + s * s * grad;
                assertThat(Math.abs(fromScore - want[j]) / Math.max(1, Math.abs(want[j])))
                        .as("trial %d coordinate %d", trial, j).isLessThan(1e-6);
            }
        }
    }

    @Test
    void closedFormGuidedJvpMatchesFiniteDifferencesInDouble() {
        SplittableRandom r = new SplittableRandom(21);
        int d = MODEL.sampleSize();
        for (int trial = 0; trial < 20; trial++) {
            int label = r.nextInt(MODEL.classes());
            double w = 5 * r.nextDouble();
            double s = Math.exp(Math.log(0.1) + r.nextDouble() * Math.log(100));
            double[] x = new double[d];
            double[] xt = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = r.nextGaussian() * (1 + s);
                xt[j] = r.nextGaussian();
            }
            double st = r.nextDouble() * 2 - 1;
            double[] out = new double[d];
            double[] jvp = new double[d];
            MODEL.guided(x, s, label, w, xt, st, out, jvp);
            double h = 1e-5 * Math.min(1, s);
            double[] plus = new double[d];
            double[] minus = new double[d];
            double[] xp = new double[d];
            double[] xm = new double[d];
            for (int j = 0; j < d; j++) {
                xp[j] = x[j] + h * xt[j];
                xm[j] = x[j] - h * xt[j];
            }
            MODEL.guided(xp, s + h * st, label, w, null, 0, plus, null);
            MODEL.guided(xm, s - h * st, label, w, null, 0, minus, null);
            for (int j = 0; j < d; j++) {
                double fd = (plus[j] - minus[j]) / (2 * h);
                assertThat(Math.abs(fd - jvp[j]) / Math.max(1, Math.abs(jvp[j])))
                        .as("trial %d coordinate %d", trial, j).isLessThan(1e-6);
            }
        }
    }

    /** Records the batch sizes and rows of every call. */
    private static final class Recording implements ConditionalDenoiser {
        final List<int[]> calls = new ArrayList<>();

        @Override
        public int sampleSize() {
            return MODEL.sampleSize();
        }

        @Override
        public List<CondSpec> conditioningInputs() {
            return MODEL.conditioningInputs();
        }

        @Override
        public String label() {
            return "recording";
        }

        @Override
        public void denoise(float[] x, float[] sigma, Conditioning table, int[] rows, int batch, float[] out) {
            int[] labels = new int[batch];
            for (int b = 0; b < batch; b++) {
                labels[b] = (int) table.arrays().get(0).longs()[rows[b]];
            }
            calls.add(labels);
            MODEL.denoise(x, sigma, table, rows, batch, out);
        }
    }

    @Test
    void guidanceIsOneCallOfTwiceTheBatchWithTheUnconditionalRowInTheSecondHalf() {
        Recording rec = new Recording();
        Denoiser g = GuidedDenoiser.of(rec, Conditioning.labels("class_labels", 0, 1, 2),
                Conditioning.labels("class_labels", MODEL.classes()), 7.5, 4);
        int[] order = ((GuidedDenoiser) g).rowOrder();
        int batch = 5;
        float[] x = new float[batch * MODEL.sampleSize()];
        float[] s = {1, 1, 1, 1, 1};
        g.denoise(x, s, batch, new float[x.length]);
        assertThat(rec.calls).hasSize(1);
        int[] labels = rec.calls.get(0);
        assertThat(labels).hasSize(2 * batch);
        for (int b = 0; b < batch; b++) {
            assertThat(labels[b]).isEqualTo(order[b % 3]);
            assertThat(labels[batch + b]).isEqualTo(MODEL.classes());
        }
        assertThat(order).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void conditionedDenoiserUsesThePermutedRowsAndWeightOneGuidanceEqualsIt() {
        Conditioning labels = Conditioning.labels("class_labels", 0, 1);
        JvpDenoiser cond = (JvpDenoiser) ConditionedDenoiser.of(MODEL, labels, 8);
        int[] order = ((ConditionedDenoiser) cond).rowOrder();
        Denoiser g1 = GuidedDenoiser.of(MODEL, labels, Conditioning.labels("class_labels", MODEL.classes()), 1.0, 8);
        int d = MODEL.sampleSize();
        int batch = 3;
        float[] x = new float[batch * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = 0.3f * i - 1;
        }
        float[] s = {0.5f, 0.5f, 0.5f};
        float[] a = new float[x.length];
        float[] b = new float[x.length];
        cond.denoise(x, s, batch, a);
        g1.denoise(x, s, batch, b);
        for (int k = 0; k < batch; k++) {
            float[] one = new float[d];
            MODEL.model(order[k % 2]).denoise(java.util.Arrays.copyOfRange(x, k * d, k * d + d),
                    new float[] {0.5f}, 1, one);
            for (int j = 0; j < d; j++) {
                assertThat(a[k * d + j]).isEqualTo(one[j]);
                assertThat((double) b[k * d + j]).isCloseTo(one[j], org.assertj.core.api.Assertions.within(1e-6));
            }
        }
    }
}
