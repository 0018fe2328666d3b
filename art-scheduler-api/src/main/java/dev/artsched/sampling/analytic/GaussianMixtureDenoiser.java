package dev.artsched.sampling.analytic;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

/**
 * The exact denoiser of a mixture of isotropic Gaussians sum_k w_k N(mu_k, s_k^2 I) in d dimensions under EDM
 * noising, with its exact Jacobian-vector product. Posterior component weights are computed with a
 * log-sum-exp, so very small sigmas stay finite. Immutable and thread-safe; double arithmetic inside.
 */
public final class GaussianMixtureDenoiser implements JvpDenoiser {
    private final int dim;
    private final double[][] means;
    private final double[] logWeights;
    private final double[] vars;

    /**
     * @param means   K component means, each of length d
     * @param weights K positive weights (normalised here)
     * @param stds    K positive component standard deviations
     */
    public GaussianMixtureDenoiser(double[][] means, double[] weights, double[] stds) {
        int k = means.length;
        if (k == 0 || weights.length != k || stds.length != k) {
            throw new ArtException("a mixture needs K >= 1 means, weights and stds of equal length, found "
                    + k + ", " + weights.length + ", " + stds.length);
        }
        this.dim = means[0].length;
        if (dim < 1) {
            throw new ArtException("component dimension must be >= 1, found " + dim);
        }
        this.means = new double[k][];
        this.logWeights = new double[k];
        this.vars = new double[k];
        double total = 0;
        for (int i = 0; i < k; i++) {
            if (means[i].length != dim) {
                throw new ArtException("mean " + i + " has dimension " + means[i].length + ", expected " + dim);
            }
            if (!(weights[i] > 0) || !(stds[i] > 0) || !Double.isFinite(weights[i]) || !Double.isFinite(stds[i])) {
                throw new ArtException("component " + i + " needs weight > 0 and std > 0, found " + weights[i]
                        + ", " + stds[i]);
            }
            for (double m : means[i]) {
                if (!Double.isFinite(m)) {
                    throw new ArtException("mean " + i + " has a non-finite coordinate " + m);
                }
            }
            this.means[i] = means[i].clone();
            this.vars[i] = stds[i] * stds[i];
            total += weights[i];
        }
        for (int i = 0; i < k; i++) {
            logWeights[i] = Math.log(weights[i] / total);
        }
    }

    /** The 2-D benchmark mixture shipped as an ONNX model: 4 equal components at (+-1, +-1), std 0.25. */
    public static GaussianMixtureDenoiser twoDimensionalBenchmark() {
        double[][] m = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        return new GaussianMixtureDenoiser(m, new double[] {1, 1, 1, 1}, new double[] {0.25, 0.25, 0.25, 0.25});
    }

    /**
     * {@code count} points drawn from the data distribution sum_k w_k N(mu_k, s_k^2 I) (seeded), row after row: real
     * data for feature banks.
     */
    public float[] sampleData(int count, long seed) {
        if (count < 1) {
            throw new ArtException("expected a positive number of data points, found " + count);
        }
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        float[] out = new float[count * dim];
        for (int n = 0; n < count; n++) {
            double u = rng.nextDouble();
            int k = 0;
            for (double acc = Math.exp(logWeights[0]); k < means.length - 1 && u >= acc; acc += Math.exp(logWeights[k])) {
                k++;
            }
            double s = Math.sqrt(vars[k]);
            for (int j = 0; j < dim; j++) {
                out[n * dim + j] = (float) (means[k][j] + s * rng.nextGaussian());
            }
        }
        return out;
    }

    /** Number of components K. */
    public int components() {
        return means.length;
    }

    @Override
    public int sampleSize() {
        return dim;
    }

    /**
     * Exact D and, when {@code xt != null}, its JVP for one sample in double.
     *
     * @param x   d coordinates
     * @param s   sigma
     * @param xt  x tangent (or null for D only)
     * @param st  sigma tangent
     * @param out receives D
     * @param tOut receives the JVP (ignored when {@code xt == null})
     */
    public void evaluate(double[] x, double s, double[] xt, double st, double[] out, double[] tOut) {
        int k = means.length;
        double[] logR = new double[k];
        double[] l = xt == null ? null : new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double v = vars[c] + s * s;
            double sq = 0;
            double dot = 0;
            for (int j = 0; j < dim; j++) {
                double r = x[j] - means[c][j];
                sq += r * r;
                if (xt != null) {
                    dot += r * xt[j];
                }
            }
            logR[c] = logWeights[c] - sq / (2 * v) - 0.5 * dim * Math.log(v);
            max = Math.max(max, logR[c]);
            if (xt != null) {
                double dv = 2 * s * st;
                l[c] = -dot / v + (sq / (2 * v * v) - dim / (2 * v)) * dv;
            }
        }
        double z = 0;
        for (int c = 0; c < k; c++) {
            logR[c] = Math.exp(logR[c] - max);
            z += logR[c];
        }
        double lBar = 0;
        for (int c = 0; c < k; c++) {
            logR[c] /= z;
            if (xt != null) {
                lBar += logR[c] * l[c];
            }
        }
        for (int j = 0; j < dim; j++) {
            out[j] = 0;
            if (xt != null) {
                tOut[j] = 0;
            }
        }
        for (int c = 0; c < k; c++) {
            double r = logR[c];
            double v = vars[c] + s * s;
            double a = vars[c] / v;
            double da = -2 * s * vars[c] / (v * v) * st;
            double dr = xt == null ? 0 : r * (l[c] - lBar);
            for (int j = 0; j < dim; j++) {
                double diff = x[j] - means[c][j];
                double e = means[c][j] + a * diff;
                out[j] += r * e;
                if (xt != null) {
                    tOut[j] += dr * e + r * (a * xt[j] + da * diff);
                }
            }
        }
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        double[] xi = new double[dim];
        double[] o = new double[dim];
        for (int b = 0; b < batch; b++) {
            int off = b * dim;
            for (int j = 0; j < dim; j++) {
                xi[j] = x[off + j];
            }
            evaluate(xi, sigma[b], null, 0, o, null);
            for (int j = 0; j < dim; j++) {
                out[off + j] = (float) o[j];
            }
        }
    }

    @Override
    public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                    float[] denoised, float[] denoisedTangent) {
        double[] xi = new double[dim];
        double[] ti = new double[dim];
        double[] o = new double[dim];
        double[] to = new double[dim];
        for (int b = 0; b < batch; b++) {
            int off = b * dim;
            for (int j = 0; j < dim; j++) {
                xi[j] = x[off + j];
                ti[j] = xTangent[off + j];
            }
            evaluate(xi, sigma[b], ti, sigmaTangent[b], o, to);
            for (int j = 0; j < dim; j++) {
                denoised[off + j] = (float) o[j];
                denoisedTangent[off + j] = (float) to[j];
            }
        }
    }
}
