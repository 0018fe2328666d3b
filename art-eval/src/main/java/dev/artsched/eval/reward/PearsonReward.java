package dev.artsched.eval.reward;

import dev.artsched.scheduler.ArtException;

import java.util.SplittableRandom;

/**
 * The terminal reward: for each generated feature vector, the maximum over a batch D of real feature vectors of
 * the Pearson correlation, each vector centred over its feature dimension (docs/MATH.md). A vector with zero
 * spread (for example any vector of one feature) correlates 0 with everything. Immutable and thread-safe.
 */
public final class PearsonReward {
    private final int rows;
    private final int features;
    private final double[] bank;

    /** A reward over the bank's rows ({@link FeatureBank}). */
    public PearsonReward(FeatureBank real) {
        this.rows = real.rows();
        this.features = real.features();
        this.bank = new double[rows * features];
        for (int r = 0; r < rows; r++) {
            double[] v = normalised(real.values(), r * features, features);
            System.arraycopy(v, 0, bank, r * features, features);
        }
    }

    /** Feature length. */
    public int features() {
        return features;
    }

    /** Rows of the bank. */
    public int rows() {
        return rows;
    }

    /** The Pearson correlation of two vectors centred over their own elements (0 if either has no spread). */
    public static double pearson(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new ArtException("Pearson correlation expected two vectors of equal, positive length, found "
                    + a.length + " and " + b.length);
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0.0;
    }

    /**
     * The reward of each of {@code batch} feature vectors against {@code realBatch} bank rows drawn without
     * replacement with {@code seed} (all rows when {@code realBatch >= rows()}).
     */
    public double[] rewards(float[] feats, int batch, int realBatch, long seed) {
        if (feats.length != batch * features) {
            throw new ArtException("expected " + batch + " * " + features + " feature values, found "
                    + feats.length);
        }
        int[] pick = subset(realBatch, seed);
        double[] out = new double[batch];
        for (int b = 0; b < batch; b++) {
            double[] v = normalised(feats, b * features, features);
            double best = -1.0;
            for (int r : pick) {
                double dot = 0;
                for (int j = 0; j < features; j++) {
                    dot += v[j] * bank[r * features + j];
                }
                best = Math.max(best, dot);
            }
            out[b] = best;
        }
        return out;
    }

    private int[] subset(int realBatch, long seed) {
        int m = Math.min(Math.max(realBatch, 1), rows);
        int[] all = java.util.stream.IntStream.range(0, rows).toArray();
        if (m == rows) {
            return all;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(rows - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, m);
    }

    /** Centred over the elements and scaled to unit norm (zero if it has no spread). */
    private static double[] normalised(float[] src, int offset, int n) {
        double mean = 0;
        for (int j = 0; j < n; j++) {
            mean += src[offset + j];
        }
        mean /= n;
        double[] v = new double[n];
        double norm = 0;
        for (int j = 0; j < n; j++) {
            v[j] = src[offset + j] - mean;
            norm += v[j] * v[j];
        }
        double s = norm > 0 ? 1.0 / Math.sqrt(norm) : 0.0;
        for (int j = 0; j < n; j++) {
            v[j] *= s;
        }
        return v;
    }
}
