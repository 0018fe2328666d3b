package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.RealMatrix;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FidTest {

    private static GaussianStats stats(double[] mean, double[][] cov) {
        return new GaussianStats(mean, cov, 100);
    }

    private static double[][] diag(double... d) {
        double[][] m = new double[d.length][d.length];
        for (int i = 0; i < d.length; i++) {
            m[i][i] = d[i];
        }
        return m;
    }

    /** A random orthogonal matrix from Gram-Schmidt on a seeded Gaussian matrix. */
    private static double[][] orthogonal(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = rng.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    dot += q[i][j] * q[k][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    private static double[][] randomSpd(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(a);
        return symmetric(m.multiplyTransposed(m).scalarAdd(0).getData());
    }

    private static double[][] symmetric(double[][] m) {
        int n = m.length;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = 0.5 * (m[i][j] + m[j][i]);
            }
        }
        return s;
    }

    private static GaussianStats rotate(GaussianStats s, double[][] q, double[] shift) {
        RealMatrix qm = new Array2DRowRealMatrix(q);
        double[] mu = qm.operate(s.mean());
        for (int i = 0; i < mu.length; i++) {
            mu[i] += shift[i];
        }
        double[][] cov = symmetric(qm.multiply(new Array2DRowRealMatrix(s.cov())).multiplyTransposed(qm).getData());
        return stats(mu, cov);
    }

    @Test
    void identicalDistributionsHaveZeroDistance() {
        double[][] c = randomSpd(6, 3);
        GaussianStats a = stats(new double[] {1, 2, 3, 4, 5, 6}, c);
        assertThat(Fid.distance(a, a)).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void diagonalCovariancesMatchTheClosedForm() {
        double[] mu1 = {0, 1, -2};
        double[] mu2 = {1, 1, 0};
        double[] d1 = {1, 4, 9};
        double[] d2 = {4, 1, 0.25};
        double expected = 1 + 0 + 4;
        for (int i = 0; i < 3; i++) {
            expected += Math.pow(Math.sqrt(d1[i]) - Math.sqrt(d2[i]), 2);
        }
        assertThat(Fid.distance(stats(mu1, diag(d1)), stats(mu2, diag(d2)))).isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(5 + 1 + 1 + 6.25, within(1e-12));
    }

    @Test
    void nonCommutingTwoByTwoMatchesTheClosedForm() {
        // For 2x2 PSD M: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)); here M = S1^(1/2) S2 S1^(1/2).
        double[][] s1 = {{2, 0.5}, {0.5, 1}};
        double[][] s2 = {{1, -0.3}, {-0.3, 0.5}};
        RealMatrix a = new Array2DRowRealMatrix(s1);
        RealMatrix b = new Array2DRowRealMatrix(s2);
        double trProd = a.multiply(b).getTrace();
        double det1 = 2 * 1 - 0.25;
        double det2 = 0.5 - 0.09;
        double trRoot = Math.sqrt(trProd + 2 * Math.sqrt(det1 * det2));
        double expected = 3 + 1.5 - 2 * trRoot;
        assertThat(Fid.distance(stats(new double[2], s1), stats(new double[2], s2))).isCloseTo(expected,
                within(1e-12));
    }

    @Test
    void commutingCovariancesGiveSquaredRootDifferences() {
        double[][] q = orthogonal(5, 17);
        double[] d1 = {0.5, 1, 2, 3, 7};
        double[] d2 = {2, 1, 0.1, 3, 1};
        GaussianStats a = rotate(stats(new double[5], diag(d1)), q, new double[5]);
        GaussianStats b = rotate(stats(new double[5], diag(d2)), q, new double[5]);
        double expected = 0;
        for (int i = 0; i < 5; i++) {
            expected += Math.pow(Math.sqrt(d1[i]) - Math.sqrt(d2[i]), 2);
        }
        assertThat(Fid.distance(a, b)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void invariantUnderJointRotationAndTranslationAndSymmetric() {
        GaussianStats a = stats(new double[] {0, 1, 2, 3}, randomSpd(4, 5));
        GaussianStats b = stats(new double[] {1, -1, 0, 2}, randomSpd(4, 6));
        double base = Fid.distance(a, b);
        double[][] q = orthogonal(4, 99);
        double[] shift = {10, -3, 0.5, 7};
        assertThat(base).isGreaterThan(1.0);
        assertThat(Fid.distance(rotate(a, q, shift), rotate(b, q, shift))).isCloseTo(base, within(1e-8 * base));
        assertThat(Fid.distance(b, a)).isCloseTo(base, within(1e-9 * base));
    }

    @Test
    void singularCovariancesStayFiniteAndExact() {
        // Rank-1 covariances along orthogonal axes: tr sqrt(...) = 0, so FD = tr S1 + tr S2.
        double[][] s1 = diag(2, 0, 0);
        double[][] s2 = diag(0, 3, 0);
        double fd = Fid.distance(stats(new double[3], s1), stats(new double[3], s2));
        assertThat(fd).isCloseTo(5.0, within(1e-12));
        double[][] zero = diag(0, 0, 0);
        assertThat(Fid.distance(stats(new double[3], zero), stats(new double[3], zero))).isZero();
    }

    @Test
    void sqrtPsdSquaresBackAndIsSymmetric() {
        RealMatrix m = new Array2DRowRealMatrix(randomSpd(7, 8));
        RealMatrix r = Fid.sqrtPsd(m);
        RealMatrix back = r.multiply(r);
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
                assertThat(back.getEntry(i, j)).isCloseTo(m.getEntry(i, j), within(1e-9));
                assertThat(r.getEntry(i, j)).isEqualTo(r.getEntry(j, i));
            }
        }
    }

    @Test
    void sampleStatisticsConvergeToTheTruth() {
        // Samples of N(mu, diag(d)) vs the exact Gaussian: the Frechet distance shrinks towards 0.
        double[] mu = {1, -2, 0.5};
        double[] sd = {1, 0.5, 2};
        SplittableRandom rng = new SplittableRandom(1);
        int n = 20_000;
        float[] f = new float[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                f[i * 3 + j] = (float) (mu[j] + sd[j] * rng.nextGaussian());
            }
        }
        GaussianStats fit = GaussianStats.of(f, n, 3);
        GaussianStats truth = stats(mu, diag(1, 0.25, 4));
        assertThat(Fid.distance(fit, truth)).isLessThan(2e-3).isGreaterThan(0.0);
    }

    @Test
    void rejectsMismatchedDimensions() {
        assertThatThrownBy(() -> Fid.distance(stats(new double[2], diag(1, 1)), stats(new double[3], diag(1, 1, 1))))
                .isInstanceOf(ArtException.class).hasMessageContaining("found 2 and 3");
    }
}
