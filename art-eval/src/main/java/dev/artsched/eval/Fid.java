package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;

/**
 * The Frechet distance between two Gaussian fits N(mu1, S1) and N(mu2, S2) of feature vectors (FID when the
 * features come from an Inception-style network):
 * {@code |mu1 - mu2|^2 + tr S1 + tr S2 - 2 tr sqrt(sqrt(S1) S2 sqrt(S1))}. Both square roots are taken of
 * symmetric positive semi-definite matrices with Hipparchus' {@link EigenDecompositionSymmetric}, clamping
 * round-off negative eigenvalues to zero, so the result is real and well defined even for singular
 * covariances.
 */
public final class Fid {
    private Fid() {
    }

    /** The Frechet distance between two feature distributions of equal dimension (>= 0). */
    public static double distance(GaussianStats a, GaussianStats b) {
        int d = a.dim();
        if (b.dim() != d) {
            throw new ArtException("feature statistics must have equal dimensions, found " + d + " and " + b.dim());
        }
        double meanTerm = 0;
        double trace1 = 0;
        double trace2 = 0;
        for (int i = 0; i < d; i++) {
            double diff = a.mean(i) - b.mean(i);
            meanTerm += diff * diff;
            trace1 += a.cov(i, i);
            trace2 += b.cov(i, i);
        }
        RealMatrix s1 = matrix(a);
        RealMatrix s2 = matrix(b);
        RealMatrix root1 = sqrtPsd(s1);
        RealMatrix inner = root1.multiply(s2).multiply(root1);
        double traceRoot = 0;
        for (double lambda : eigenvalues(inner)) {
            traceRoot += Math.sqrt(Math.max(lambda, 0.0));
        }
        double fd = meanTerm + trace1 + trace2 - 2 * traceRoot;
        return Math.max(fd, 0.0);
    }

    /** The symmetric positive semi-definite square root V diag(sqrt(max(lambda, 0))) V^T of a symmetric matrix. */
    public static RealMatrix sqrtPsd(RealMatrix m) {
        EigenDecompositionSymmetric eig = new EigenDecompositionSymmetric(symmetrized(m));
        RealMatrix v = eig.getV();
        double[] lambda = eig.getEigenvalues();
        int n = lambda.length;
        RealMatrix scaled = v.copy();
        for (int j = 0; j < n; j++) {
            double r = Math.sqrt(Math.max(lambda[j], 0.0));
            for (int i = 0; i < n; i++) {
                scaled.multiplyEntry(i, j, r);
            }
        }
        return symmetrized(scaled.multiplyTransposed(v));
    }

    private static double[] eigenvalues(RealMatrix m) {
        return new EigenDecompositionSymmetric(symmetrized(m)).getEigenvalues();
    }

    private static RealMatrix matrix(GaussianStats s) {
        return new Array2DRowRealMatrix(s.cov(), false);
    }

    /** (M + M^T) / 2, removing the round-off asymmetry of products. */
    private static RealMatrix symmetrized(RealMatrix m) {
        int n = m.getRowDimension();
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = 0.5 * (m.getEntry(i, j) + m.getEntry(j, i));
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return new Array2DRowRealMatrix(out, false);
    }
}
