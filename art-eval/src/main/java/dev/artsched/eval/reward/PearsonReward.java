package dev.artsched.eval.reward;

import dev.artsched.scheduler.ArtException;

import java.util.SplittableRandom;

/**
 * The terminal reward: for each generated feature vector, the maximum over a batch D of real feature vectors of
 * a similarity. {@link Similarity#PEARSON} (the default, the published reward) is the Pearson correlation, each
 * vector centred over its feature dimension (docs/MATH.md); a vector with zero spread (for example any vector of one
 * feature) correlates 0 with everything, and the correlation ignores the vector's scale and offset.
 * {@link Similarity#DISTANCE} is minus the Euclidean distance divided by sqrt(F) times the bank's mean feature std,
 * which sees scale and offset (for vector data with identity features). Immutable and thread-safe.
 */
public final class PearsonReward {
    /** The similarity maximised over the real batch. */
    public enum Similarity {
        /** Pearson correlation centred over the feature dimension. */
        PEARSON,
        /** Minus the scaled Euclidean distance. */
        DISTANCE;

        /** Parses {@code pearson} or {@code distance}. */
        public static Similarity parse(String text) {
            for (Similarity s : values()) {
                if (s.name().equalsIgnoreCase(String.valueOf(text).trim())) {
                    return s;
                }
            }
            throw new ArtException("unknown reward similarity '" + ArtException.quote(String.valueOf(text))
                    + "': expected pearson or distance");
        }
    }

    private final int rows;
    private final int features;
    private final double[] bank;
    private final Similarity similarity;
    private final double scale;

    /** The Pearson reward over the bank's rows ({@link FeatureBank}). */
    public PearsonReward(FeatureBank real) {
        this(real, Similarity.PEARSON);
    }

    /** A reward with the given similarity over the bank's rows. */
    public PearsonReward(FeatureBank real, Similarity similarity) {
        this.rows = real.rows();
        this.features = real.features();
        this.similarity = similarity;
        this.bank = new double[rows * features];
        this.scale = Math.sqrt(features) * Math.max(real.meanStd(), 1e-12);
        for (int r = 0; r < rows; r++) {
            double[] v = similarity == Similarity.PEARSON ? normalised(real.values(), r * features, features)
                    : raw(real.values(), r * features, features);
            System.arraycopy(v, 0, bank, r * features, features);
        }
    }

    /** The similarity. */
    public Similarity similarity() {
        return similarity;
    }

    private static double[] raw(float[] src, int offset, int n) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = src[offset + j];
        }
        return v;
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
            boolean pearson = similarity == Similarity.PEARSON;
            double[] v = pearson ? normalised(feats, b * features, features) : raw(feats, b * features, features);
            double best = Double.NEGATIVE_INFINITY;
            for (int r : pick) {
                double acc = 0;
                for (int j = 0; j < features; j++) {
                    double w = bank[r * features + j];
                    acc += pearson ? v[j] * w : (v[j] - w) * (v[j] - w);
                }
                best = Math.max(best, pearson ? acc : -Math.sqrt(acc) / scale);
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
