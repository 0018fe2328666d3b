package dev.artsched.eval;

import dev.artsched.onnx.OnnxConditionalDenoiser;
import dev.artsched.onnx.OnnxOptions;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.conditional.CondType;
import dev.artsched.sampling.conditional.ConditionedDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.sampling.conditional.GuidedDenoiser;
import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Conditioning inputs bound by name on ONNX graphs built in Java ({@link CondGraphs}). */
class OnnxConditionalTest {
    private static final float[] V = {1.0f, -0.5f, 0.25f};
    private static final int D = V.length;

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** The exact D and JVP of N(c v, I) data for one sample (mean {@code mu}). */
    private static void exact(float[] x, int off, double s, double[] mu, float[] xt, double st, double[] d,
                              double[] t) {
        double k = 1 / (1 + s * s);
        for (int j = 0; j < D; j++) {
            double diff = x[off + j] - mu[j];
            d[j] = mu[j] + k * diff;
            if (t != null) {
                t[j] = k * xt[off + j] - 2 * s * k * k * st * diff;
            }
        }
    }

    private static double[] mean(double c) {
        double[] mu = new double[D];
        for (int j = 0; j < D; j++) {
            mu[j] = c * V[j];
        }
        return mu;
    }

    private static final class Batch {
        final float[] x;
        final float[] s;
        final float[] xt;
        final float[] st;

        Batch(int batch, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            x = new float[batch * D];
            xt = new float[batch * D];
            s = new float[batch];
            st = new float[batch];
            for (int b = 0; b < batch; b++) {
                s[b] = (float) (0.1 + 3 * r.nextDouble());
                st[b] = (float) (r.nextDouble() - 0.5);
                for (int j = 0; j < D; j++) {
                    x[b * D + j] = (float) r.nextGaussian() * 2;
                    xt[b * D + j] = (float) r.nextGaussian();
                }
            }
        }
    }

    @Test
    void labelGraphAndItsJvpGraphMatchTheExactDenoiserRowByRow() throws IOException {
        Path den = write("d.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS, 0, false,
                Map.of("art.sigma_max", "5")));
        Path jvp = write("j.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS, 0, true, Map.of()));
        try (OnnxConditionalDenoiser.WithJvp m = OnnxConditionalDenoiser.load(den, jvp, OnnxOptions.defaults())) {
            assertThat(m.conditioningInputs()).hasSize(1);
            assertThat(m.conditioningInputs().get(0).describe()).isEqualTo("class_labels int64 [B]");
            assertThat(m.sigmaMax().getAsDouble()).isEqualTo(5.0);
            Conditioning labels = Conditioning.labels("class_labels", 0, 1, 2, 3);
            JvpDenoiser c = (JvpDenoiser) ConditionedDenoiser.of(m, labels, 7);
            int[] order = ((ConditionedDenoiser) c).rowOrder();
            int batch = 6;
            Batch in = new Batch(batch, 1);
            float[] out = new float[batch * D];
            float[] tOut = new float[batch * D];
            c.jvp(in.x, in.s, in.xt, in.st, batch, out, tOut);
            for (int b = 0; b < batch; b++) {
                double[] d = new double[D];
                double[] t = new double[D];
                exact(in.x, b * D, in.s[b], mean(order[b % 4]), in.xt, in.st[b], d, t);
                for (int j = 0; j < D; j++) {
                    assertThat((double) out[b * D + j]).isCloseTo(d[j], within(1e-5));
                    assertThat((double) tOut[b * D + j]).isCloseTo(t[j], within(1e-5));
                }
            }
        }
    }

    @Test
    void guidedOverOnnxIsTheGuidanceCombinationOfTheExactDenoisers() throws IOException {
        Path den = write("d.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS, 0, false, Map.of()));
        Path jvp = write("j.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS, 0, true, Map.of()));
        double w = 4;
        try (OnnxConditionalDenoiser.WithJvp m = OnnxConditionalDenoiser.load(den, jvp, OnnxOptions.defaults())) {
            JvpDenoiser g = (JvpDenoiser) GuidedDenoiser.of(m, Conditioning.labels("class_labels", 1, 2),
                    Conditioning.labels("class_labels", 0), w, 3);
            int[] order = ((GuidedDenoiser) g).rowOrder();
            int batch = 5;
            Batch in = new Batch(batch, 2);
            float[] out = new float[batch * D];
            float[] tOut = new float[batch * D];
            g.jvp(in.x, in.s, in.xt, in.st, batch, out, tOut);
            for (int b = 0; b < batch; b++) {
                double[] dc = new double[D];
                double[] tc = new double[D];
                double[] du = new double[D];
                double[] tu = new double[D];
                exact(in.x, b * D, in.s[b], mean(1 + order[b % 2]), in.xt, in.st[b], dc, tc);
                exact(in.x, b * D, in.s[b], mean(0), in.xt, in.st[b], du, tu);
                for (int j = 0; j < D; j++) {
                    assertThat((double) out[b * D + j]).isCloseTo(du[j] + w * (dc[j] - du[j]), within(1e-4));
                    assertThat((double) tOut[b * D + j]).isCloseTo(tu[j] + w * (tc[j] - tu[j]), within(1e-4));
                }
            }
        }
    }

    @Test
    void floatEmbeddingsInt32LabelsAndAnInputSharedByTheBatch() throws IOException {
        int len = 4;
        Path emb = write("e.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.EMBEDDING, len, false, Map.of()));
        float[] rows = new float[2 * len * D];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) Math.sin(i);
        }
        Conditioning set = Conditioning.of("prompt.npz", List.of(Conditioning.Array.of("emb", new long[] {len, D},
                rows)));
        Batch in = new Batch(3, 4);
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(emb, OnnxOptions.defaults())) {
            assertThat(m.conditioningInputs().get(0).describe()).isEqualTo("emb float32 [B, 4, 3]");
            ConditionedDenoiser c = ConditionedDenoiser.of(m, set, 0);
            float[] out = new float[3 * D];
            c.denoise(in.x, in.s, 3, out);
            for (int b = 0; b < 3; b++) {
                int r = c.rowOrder()[b % 2];
                double[] mu = new double[D];
                for (int l = 0; l < len; l++) {
                    for (int j = 0; j < D; j++) {
                        mu[j] += rows[(r * len + l) * D + j] / len;
                    }
                }
                double[] d = new double[D];
                exact(in.x, b * D, in.s[b], mu, null, 0, d, null);
                for (int j = 0; j < D; j++) {
                    assertThat((double) out[b * D + j]).isCloseTo(d[j], within(1e-5));
                }
            }
        }
        Path f16 = write("f16.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.EMBEDDING_FLOAT16, len, false, Map.of()));
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(f16, OnnxOptions.defaults())) {
            assertThat(m.conditioningInputs().get(0).describe()).isEqualTo("emb float16 [B, 4, 3]");
            ConditionedDenoiser c = ConditionedDenoiser.of(m, set, 0);
            float[] out = new float[3 * D];
            c.denoise(in.x, in.s, 3, out);
            int r = c.rowOrder()[0];
            double[] mu = new double[D];
            for (int l = 0; l < len; l++) {
                for (int j = 0; j < D; j++) {
                    float half = dev.artsched.sampling.conditional.Half.toFloat(
                            dev.artsched.sampling.conditional.Half.fromFloat(rows[(r * len + l) * D + j]));
                    mu[j] += half / (double) len;
                }
            }
            double[] d = new double[D];
            exact(in.x, 0, in.s[0], mu, null, 0, d, null);
            for (int j = 0; j < D; j++) {
                assertThat((double) out[j]).isCloseTo(d[j], within(1e-5));
            }
        }
        Path i32 = write("i32.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS_INT32, 0, false, Map.of()));
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(i32, OnnxOptions.defaults())) {
            assertThat(m.conditioningInputs().get(0).type()).isEqualTo(CondType.INT32);
            Denoiser c = ConditionedDenoiser.of(m, Conditioning.labels("class_labels", 2), 0);
            float[] out = new float[3 * D];
            c.denoise(in.x, in.s, 3, out);
            double[] d = new double[D];
            exact(in.x, 0, in.s[0], mean(2), null, 0, d, null);
            assertThat((double) out[0]).isCloseTo(d[0], within(1e-5));
        }
        Path shared = write("s.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS_SHARED_SCALE, 0, false,
                Map.of()));
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(shared, OnnxOptions.defaults())) {
            assertThat(m.conditioningInputs().get(1).describe()).isEqualTo("scale float32 [] (shared by the batch)");
            Conditioning two = Conditioning.of("c.json", List.of(
                    Conditioning.Array.of("class_labels", new long[0], new long[] {1, 1}),
                    Conditioning.Array.of("scale", new long[0], new float[] {2, -3})));
            ConditionedDenoiser c = ConditionedDenoiser.of(m, two, 5);
            float[] out = new float[3 * D];
            c.denoise(in.x, in.s, 3, out);
            for (int b = 0; b < 3; b++) {
                double scale = c.rowOrder()[b % 2] == 0 ? 2 : -3;
                double[] d = new double[D];
                exact(in.x, b * D, in.s[b], mean(scale), null, 0, d, null);
                for (int j = 0; j < D; j++) {
                    assertThat((double) out[b * D + j]).as("sample %d", b).isCloseTo(d[j], within(1e-5));
                }
            }
        }
    }

    @Test
    void bindingErrorsNameTheGraphAndWhatItDeclares() throws IOException {
        Path den = write("d.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS, 0, false, Map.of()));
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(den, OnnxOptions.defaults())) {
            assertThatThrownBy(() -> ConditionedDenoiser.of(m, Conditioning.labels("labels", 1), 0))
                    .isInstanceOf(ArtException.class)
                    .hasMessage("labels has array 'labels', which " + den + " does not declare: expected arrays for "
                            + "class_labels int64 [B]");
            Conditioning floats = Conditioning.of("c.json", List.of(Conditioning.Array.of("class_labels",
                    new long[0], new float[] {0.5f})));
            assertThatThrownBy(() -> ConditionedDenoiser.of(m, floats, 0))
                    .hasMessage("conditioning input 'class_labels' of " + den + ": expected int64, found float32 in "
                            + "c.json");
            Conditioning wide = Conditioning.of("c.json", List.of(Conditioning.Array.of("class_labels",
                    new long[] {2}, new long[] {0, 1})));
            assertThatThrownBy(() -> ConditionedDenoiser.of(m, wide, 0))
                    .hasMessageContaining("expected rows of shape [] (array [M]), found class_labels [1, 2]");
        }
        Path emb = write("e.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.LABELS_SHARED_SCALE, 0, false, Map.of()));
        try (OnnxConditionalDenoiser m = OnnxConditionalDenoiser.load(emb, OnnxOptions.defaults())) {
            assertThatThrownBy(() -> ConditionedDenoiser.of(m, Conditioning.labels("class_labels", 1), 0))
                    .hasMessage(emb + " needs conditioning input 'scale', not supplied by labels: expected arrays for "
                            + "class_labels int64 [B], scale float32 [] (shared by the batch), found [class_labels]");
        }
        Path jvp = write("j.onnx", CondGraphs.gaussian(V, CondGraphs.Mean.EMBEDDING, 2, true, Map.of()));
        assertThatThrownBy(() -> OnnxConditionalDenoiser.load(den, jvp, OnnxOptions.defaults()))
                .hasMessageContaining("expected the sample shape [3] and conditioning inputs [class_labels int64 [B]]");
    }

    @Test
    void sdLikeUnetThroughTheEpsilonAdapterWithGuidanceIntOrScalarTimestep() throws IOException {
        dev.artsched.sampling.adapters.DiscreteVpSchedule sd = dev.artsched.sampling.adapters.DiscreteVpSchedule
                .linearBetas(0.00085, 0.012, 1000, true);
        int per = 77 * 768;
        float[] emb = new float[2 * per];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = i < per ? 0.25f : -0.5f;
        }
        Conditioning prompt = Conditioning.of("prompt.npz", List.of(Conditioning.Array.of("encoder_hidden_states",
                new long[] {77, 768}, java.util.Arrays.copyOf(emb, per))));
        Conditioning empty = Conditioning.of("empty.npz", List.of(Conditioning.Array.of("encoder_hidden_states",
                new long[] {77, 768}, java.util.Arrays.copyOfRange(emb, per, 2 * per))));
        double w = 7.5;
        int batch = 3;
        int d = 4 * 2 * 2;
        float[] x = new float[batch * d];
        float[] sigma = {14.6f, 2.0f, 0.3f};
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.7 * i) * sigma[i / d];
        }
        for (boolean scalar : new boolean[] {false, true}) {
            Path unet = write("unet" + scalar + ".onnx", CondGraphs.sdLike(2, 2, scalar));
            try (dev.artsched.onnx.OnnxTimestepModel m = dev.artsched.onnx.OnnxTimestepModel.load(unet, null, null,
                    null, OnnxOptions.defaults())) {
                assertThat(m.integerTimesteps()).isTrue();
                assertThat(m.sampleShape()).containsExactly(4, 2, 2);
                assertThat(m.conditioningInputs().get(0).describe())
                        .isEqualTo("encoder_hidden_states float32 [B, 77, 768]");
                Denoiser g = GuidedDenoiser.of(dev.artsched.sampling.adapters.ConditionalAdapter.epsilon(m, sd, true),
                        prompt, empty, w, 0);
                assertThat(g.sampleShape()).containsExactly(4, 2, 2);
                float[] out = new float[x.length];
                g.denoise(x, sigma, batch, out);
                for (int b = 0; b < batch; b++) {
                    double s = sigma[b];
                    double t = Math.round(sd.sigmaToT(s));
                    for (int j = 0; j < d; j++) {
                        double xin = x[b * d + j] / Math.sqrt(1 + s * s);
                        double epsC = 0.5 * xin + 0.25 + 0.001 * t;
                        double epsU = 0.5 * xin - 0.5 + 0.001 * t;
                        double want = x[b * d + j] - s * (epsU + w * (epsC - epsU));
                        assertThat((double) out[b * d + j]).as("scalar %s sample %d", scalar, b)
                                .isCloseTo(want, within(2e-4 * Math.max(1, Math.abs(want))));
                    }
                }
            }
        }
    }
}
