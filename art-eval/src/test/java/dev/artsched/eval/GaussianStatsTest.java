package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GaussianStatsTest {

    @Test
    void smallExampleMatchesHandComputedUnbiasedCovariance() {
        float[] f = {1, 2, 3, 6, 5, 10};
        GaussianStats s = GaussianStats.of(f, 3, 2);
        assertThat(s.mean()).containsExactly(3.0, 6.0);
        // x: 1, 3, 5 -> var 4; y: 2, 6, 10 -> var 16; cov 8.
        assertThat(s.cov(0, 0)).isCloseTo(4.0, within(1e-12));
        assertThat(s.cov(1, 1)).isCloseTo(16.0, within(1e-12));
        assertThat(s.cov(0, 1)).isCloseTo(8.0, within(1e-12));
        assertThat(s.cov(1, 0)).isEqualTo(s.cov(0, 1));
        assertThat(s.count()).isEqualTo(3);
    }

    @Test
    void streamingEqualsOneShotAndIsStableUnderLargeOffsets() {
        SplittableRandom rng = new SplittableRandom(4);
        int n = 500;
        int d = 4;
        float[] f = new float[n * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1000.0 + rng.nextGaussian());
        }
        GaussianStats once = GaussianStats.of(f, n, d);
        GaussianStats.Accumulator acc = new GaussianStats.Accumulator(d);
        int done = 0;
        while (done < n) {
            int b = Math.min(37, n - done);
            float[] chunk = new float[b * d];
            System.arraycopy(f, done * d, chunk, 0, chunk.length);
            acc.add(chunk, b);
            done += b;
        }
        GaussianStats streamed = acc.stats();
        double[] mean = new double[d];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < d; i++) {
                mean[i] += f[k * d + i] / (double) n;
            }
        }
        for (int i = 0; i < d; i++) {
            double twoPass = 0;
            for (int k = 0; k < n; k++) {
                double r = f[k * d + i] - mean[i];
                twoPass += r * r / (n - 1);
            }
            assertThat(once.mean(i)).isCloseTo(mean[i], within(1e-9));
            assertThat(once.cov(i, i)).isCloseTo(twoPass, within(1e-9)).isCloseTo(1.0, within(0.25));
            assertThat(streamed.mean(i)).isCloseTo(once.mean(i), within(1e-9));
            for (int j = 0; j < d; j++) {
                assertThat(streamed.cov(i, j)).isCloseTo(once.cov(i, j), within(1e-9));
            }
        }
    }

    @Test
    void rejectsInvalidStatistics() {
        assertThatThrownBy(() -> new GaussianStats(new double[] {0, 0}, new double[][] {{1, 2}, {0, 1}}, 5))
                .isInstanceOf(ArtException.class).hasMessageContaining("symmetric");
        assertThatThrownBy(() -> new GaussianStats(new double[] {0, Double.NaN}, new double[][] {{1, 0}, {0, 1}}, 5))
                .isInstanceOf(ArtException.class).hasMessageContaining("mean[1]");
        assertThatThrownBy(() -> new GaussianStats(new double[] {0}, new double[][] {{1, 0}, {0, 1}}, 5))
                .isInstanceOf(ArtException.class).hasMessageContaining("found 2");
        assertThatThrownBy(() -> GaussianStats.of(new float[] {1, 2}, 1, 2))
                .isInstanceOf(ArtException.class).hasMessageContaining("at least 2 vectors");
        assertThatThrownBy(() -> GaussianStats.of(new float[] {1, Float.NaN, 1, 1}, 2, 2))
                .isInstanceOf(ArtException.class).hasMessageContaining("finite");
    }

    @Test
    void accessorsReturnCopies() {
        GaussianStats s = GaussianStats.of(new float[] {0, 1, 2, 3}, 2, 2);
        s.mean()[0] = 99;
        s.cov()[0][0] = 99;
        assertThat(s.mean(0)).isEqualTo(1.0);
        assertThat(s.cov(0, 0)).isEqualTo(2.0);
    }
}
