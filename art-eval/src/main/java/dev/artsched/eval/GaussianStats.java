package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;

import java.util.Arrays;

/**
 * Mean and (unbiased, n - 1) covariance of a feature distribution: the Gaussian fit whose Frechet distance
 * {@link Fid} computes. Validated and copied on construction; the covariance must be square, finite and
 * symmetric.
 *
 * @param mean  the d feature means
 * @param cov   the d x d covariance matrix
 * @param count how many feature vectors the statistics were estimated from (>= 1)
 */
public record GaussianStats(double[] mean, double[][] cov, long count) {

    /** Validates and deep-copies. */
    public GaussianStats {
        if (mean == null || cov == null) {
            throw new ArtException("feature statistics need a mean and a covariance, found null");
        }
        int d = mean.length;
        if (d < 1) {
            throw new ArtException("feature dimension must be >= 1, found 0");
        }
        if (count < 1) {
            throw new ArtException("feature statistics need count >= 1, found " + count);
        }
        if (cov.length != d) {
            throw new ArtException("covariance must have " + d + " rows (the mean's length), found " + cov.length);
        }
        mean = mean.clone();
        double[][] c = new double[d][];
        for (int i = 0; i < d; i++) {
            if (!Double.isFinite(mean[i])) {
                throw new ArtException("mean[" + i + "] must be finite, found " + mean[i]);
            }
            if (cov[i] == null || cov[i].length != d) {
                throw new ArtException("covariance row " + i + " must have " + d + " entries, found "
                        + (cov[i] == null ? "null" : cov[i].length));
            }
            c[i] = cov[i].clone();
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double a = c[i][j];
                double b = c[j][i];
                if (!Double.isFinite(a)) {
                    throw new ArtException("cov[" + i + "][" + j + "] must be finite, found " + a);
                }
                if (Math.abs(a - b) > 1e-9 * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)))) {
                    throw new ArtException("covariance must be symmetric, found cov[" + i + "][" + j + "] = " + a
                            + " but cov[" + j + "][" + i + "] = " + b);
                }
            }
        }
        cov = c;
    }

    /** Feature dimension d. */
    public int dim() {
        return mean.length;
    }

    /** A copy of the mean. */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** A deep copy of the covariance. */
    @Override
    public double[][] cov() {
        double[][] c = new double[cov.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = cov[i].clone();
        }
        return c;
    }

    /** Entry (i, j) of the covariance without copying. */
    public double cov(int i, int j) {
        return cov[i][j];
    }

    /** Entry i of the mean without copying. */
    public double mean(int i) {
        return mean[i];
    }

    /** Statistics of {@code n} feature vectors of length {@code dim} stored row after row. */
    public static GaussianStats of(float[] features, int n, int dim) {
        Accumulator acc = new Accumulator(dim);
        acc.add(features, n);
        return acc.stats();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianStats g && count == g.count && Arrays.equals(mean, g.mean)
                && Arrays.deepEquals(cov, g.cov);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(mean) + Arrays.deepHashCode(cov)) + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "GaussianStats[dim=" + mean.length + ", count=" + count + "]";
    }

    /**
     * Streams feature vectors into running sums (shifted by the first vector for numerical stability) and
     * produces {@link GaussianStats}; only the upper triangle of the second moment is accumulated.
     */
    public static final class Accumulator {
        private final int dim;
        private final double[] shift;
        private final double[] sum;
        private final double[] sumSq;
        private long count;

        /** An empty accumulator for feature vectors of length {@code dim}. */
        public Accumulator(int dim) {
            if (dim < 1) {
                throw new ArtException("feature dimension must be >= 1, found " + dim);
            }
            this.dim = dim;
            this.shift = new double[dim];
            this.sum = new double[dim];
            this.sumSq = new double[dim * (dim + 1) / 2];
        }

        /** Adds {@code n} vectors stored row after row in {@code features} (at least {@code n * dim} floats). */
        public void add(float[] features, int n) {
            if (n < 0 || features.length < (long) n * dim) {
                throw new ArtException("expected at least " + n + " * " + dim + " feature values, found "
                        + features.length);
            }
            double[] r = new double[dim];
            for (int b = 0; b < n; b++) {
                int off = b * dim;
                for (int i = 0; i < dim; i++) {
                    float v = features[off + i];
                    if (!Float.isFinite(v)) {
                        throw new ArtException("feature " + i + " of vector " + (count + 1)
                                + " must be finite, found " + v);
                    }
                }
                if (count == 0) {
                    for (int i = 0; i < dim; i++) {
                        shift[i] = features[off + i];
                    }
                }
                for (int i = 0; i < dim; i++) {
                    r[i] = features[off + i] - shift[i];
                    sum[i] += r[i];
                }
                int k = 0;
                for (int i = 0; i < dim; i++) {
                    double ri = r[i];
                    for (int j = i; j < dim; j++) {
                        sumSq[k++] += ri * r[j];
                    }
                }
                count++;
            }
        }

        /** Number of vectors added so far. */
        public long count() {
            return count;
        }

        /** The statistics so far; needs at least 2 vectors for an unbiased covariance. */
        public GaussianStats stats() {
            if (count < 2) {
                throw new ArtException("feature statistics need at least 2 vectors, found " + count);
            }
            double[] m = new double[dim];
            for (int i = 0; i < dim; i++) {
                m[i] = sum[i] / count;
            }
            double[][] c = new double[dim][dim];
            int k = 0;
            for (int i = 0; i < dim; i++) {
                for (int j = i; j < dim; j++) {
                    double v = (sumSq[k++] - count * m[i] * m[j]) / (count - 1);
                    c[i][j] = v;
                    c[j][i] = v;
                }
            }
            for (int i = 0; i < dim; i++) {
                m[i] += shift[i];
            }
            return new GaussianStats(m, c, count);
        }
    }
}
