package dev.artsched.sampling.conditional;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** One guided denoiser shared by several threads, each with its own batch sizes, gives the single-thread results. */
class GuidedConcurrencyTest {
    @Test
    void sharedGuidedDenoiserIsThreadSafe() throws Exception {
        ClassConditionalMixture m = ClassConditionalMixture.member(2);
        JvpDenoiser g = (JvpDenoiser) GuidedDenoiser.of(m, Conditioning.labels("class_labels", 0, 1, 2),
                Conditioning.labels("class_labels", m.classes()), 2.5, 1);
        int d = m.sampleSize();
        List<float[][]> expected = new ArrayList<>();
        for (int batch = 1; batch <= 6; batch++) {
            float[] x = new float[batch * d];
            float[] s = new float[batch];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i + batch);
            }
            java.util.Arrays.fill(s, 0.1f * batch);
            float[] out = new float[x.length];
            float[] t = new float[x.length];
            g.jvp(x, s, x, s, batch, out, t);
            expected.add(new float[][] {x, s, out, t});
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> jobs = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                int shift = k;
                jobs.add(pool.submit(() -> {
                    for (int rep = 0; rep < 50; rep++) {
                        float[][] e = expected.get((rep + shift) % expected.size());
                        int batch = e[1].length;
                        float[] out = new float[e[0].length];
                        float[] t = new float[e[0].length];
                        g.jvp(e[0], e[1], e[0], e[1], batch, out, t);
                        if (!java.util.Arrays.equals(out, e[2]) || !java.util.Arrays.equals(t, e[3])) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : jobs) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
