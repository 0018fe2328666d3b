package dev.artsched.sampling.analytic;

import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.CondType;
import dev.artsched.sampling.conditional.ConditionalJvpDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.scheduler.ArtException;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A class-conditional mixture of isotropic Gaussians with exact conditional, unconditional and guided denoisers
 * and JVPs: class c has its own modes (weights w_ck, means mu_ck, stds s_ck) and prior pi_c; the unconditional
 * data is the mixture of all modes with weights pi_c w_ck. Conditioning input {@code class_labels} int64 [B]:
 * label c in 0..C-1 selects class c, label C (the "null" class, as in class-conditional ADM/DiT exports) the
 * unconditional model. Classifier-free guidance of two mixtures is exact to write: D_w = D_u + w (D_c - D_u),
 * the denoiser of the tilted density p_u^(1-w) p_c^w ({@link #guided}). Generated members are selectable as
 * {@code analytic:classmix-SEED}. Immutable and thread-safe; double arithmetic inside.
 */
public final class ClassConditionalMixture implements ConditionalJvpDenoiser {
    /** The name prefix of generated members after {@code analytic:}. */
    public static final String PREFIX = "classmix-";
    /** The conditioning input's name. */
    public static final String INPUT = "class_labels";
    /** sigma_min of generated members. */
    public static final double SIGMA_MIN = 0.002;

    private final int dim;
    private final double[][][] means;
    private final double[][] weights;
    private final double[][] stds;
    private final double[] priors;
    private final GaussianMixtureDenoiser[] classes;
    private final GaussianMixtureDenoiser unconditional;
    private final double sigmaMax;
    private final String name;

    /**
     * @param name     names the model in messages
     * @param means    per class, its mode means (each of length d)
     * @param weights  per class, its positive mode weights (normalised within the class)
     * @param stds     per class, its positive mode standard deviations
     * @param priors   positive class priors (normalised)
     * @param sigmaMax the model's T
     */
    public ClassConditionalMixture(String name, double[][][] means, double[][] weights, double[][] stds,
                                   double[] priors, double sigmaMax) {
        int c = means.length;
        if (c < 1 || weights.length != c || stds.length != c || priors.length != c) {
            throw new ArtException("a class-conditional mixture needs C >= 1 classes with means, weights, stds and "
                    + "priors each, found " + c + ", " + weights.length + ", " + stds.length + ", " + priors.length);
        }
        if (!(sigmaMax > SIGMA_MIN) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("sigma_max must be finite and > " + SIGMA_MIN + ", found " + sigmaMax);
        }
        this.name = name;
        this.dim = means[0][0].length;
        this.means = new double[c][][];
        this.weights = new double[c][];
        this.stds = new double[c][];
        this.priors = new double[c];
        this.classes = new GaussianMixtureDenoiser[c];
        double totalPrior = 0;
        int modes = 0;
        for (int k = 0; k < c; k++) {
            if (!(priors[k] > 0) || !Double.isFinite(priors[k])) {
                throw new ArtException("class " + k + " needs a prior > 0, found " + priors[k]);
            }
            totalPrior += priors[k];
            classes[k] = new GaussianMixtureDenoiser(means[k], weights[k], stds[k]);
            if (classes[k].sampleSize() != dim) {
                throw new ArtException("class " + k + " has dimension " + classes[k].sampleSize() + ", expected "
                        + dim);
            }
            this.means[k] = means[k].clone();
            this.stds[k] = stds[k].clone();
            double wSum = 0;
            for (double w : weights[k]) {
                wSum += w;
            }
            this.weights[k] = new double[weights[k].length];
            for (int j = 0; j < weights[k].length; j++) {
                this.weights[k][j] = weights[k][j] / wSum;
            }
            modes += means[k].length;
        }
        double[][] allMeans = new double[modes][];
        double[] allWeights = new double[modes];
        double[] allStds = new double[modes];
        int i = 0;
        for (int k = 0; k < c; k++) {
            this.priors[k] = priors[k] / totalPrior;
            for (int j = 0; j < this.means[k].length; j++, i++) {
                allMeans[i] = this.means[k][j];
                allWeights[i] = this.priors[k] * this.weights[k][j];
                allStds[i] = this.stds[k][j];
            }
        }
        this.unconditional = new GaussianMixtureDenoiser(allMeans, allWeights, allStds);
        this.sigmaMax = sigmaMax;
    }

    /** The member drawn from {@code seed}: d 1-16, 2-5 classes of 1-3 modes, T 5-80 (log-uniform). */
    public static ClassConditionalMixture member(long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x636C6D78L);
        int dim = (int) Math.min(16, Math.max(1, Math.round(Math.exp(rng.nextDouble() * Math.log(16)))));
        int c = 2 + rng.nextInt(4);
        double scale = logUniform(rng, 0.5, 2);
        double t = logUniform(rng, 5, 80);
        double[][][] m = new double[c][][];
        double[][] w = new double[c][];
        double[][] s = new double[c][];
        double[] p = new double[c];
        for (int k = 0; k < c; k++) {
            int modes = 1 + rng.nextInt(3);
            m[k] = new double[modes][dim];
            w[k] = new double[modes];
            s[k] = new double[modes];
            double[] centre = new double[dim];
            for (int j = 0; j < dim; j++) {
                centre[j] = scale * rng.nextGaussian();
            }
            for (int q = 0; q < modes; q++) {
                for (int j = 0; j < dim; j++) {
                    m[k][q][j] = centre[j] + 0.5 * scale * rng.nextGaussian();
                }
                w[k][q] = Math.exp(0.5 * rng.nextGaussian());
                s[k][q] = scale * logUniform(rng, 0.05, 0.5);
            }
            p[k] = Math.exp(0.5 * rng.nextGaussian());
        }
        return new ClassConditionalMixture(PREFIX + seed, m, w, s, p, t);
    }

    /** The member named {@code classmix-SEED}. */
    public static ClassConditionalMixture parse(String name) {
        if (name == null || !name.startsWith(PREFIX)) {
            throw new ArtException("a class-conditional mixture is named classmix-SEED, found '"
                    + ArtException.quote(name) + "'");
        }
        try {
            return member(Long.parseLong(name.substring(PREFIX.length())));
        } catch (NumberFormatException e) {
            throw new ArtException("a class-conditional mixture is named classmix-SEED with an integer seed, found '"
                    + ArtException.quote(name) + "'");
        }
    }

    private static double logUniform(SplittableRandom rng, double lo, double hi) {
        return Math.exp(Math.log(lo) + rng.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    /** Number of classes C; label C is the unconditional ("null") label. */
    public int classes() {
        return classes.length;
    }

    /** The exact denoiser of class {@code c}, or of the unconditional mixture for {@code c == classes()}. */
    public GaussianMixtureDenoiser model(int c) {
        checkLabel(c);
        return c == classes.length ? unconditional : classes[c];
    }

    /** The unconditional mixture's exact denoiser. */
    public GaussianMixtureDenoiser unconditional() {
        return unconditional;
    }

    /** The model's T. */
    public double defaultSigmaMax() {
        return sigmaMax;
    }

    /** A one-line description: {@code classmix-3 (d=4, C=3, modes=[2, 1, 3], T=12.3)}. */
    public String describe() {
        int[] modes = new int[classes.length];
        for (int k = 0; k < modes.length; k++) {
            modes[k] = means[k].length;
        }
        return String.format(Locale.ROOT, "%s (d=%d, C=%d, modes=%s, T=%.3g)", name, dim, classes.length,
                java.util.Arrays.toString(modes), sigmaMax);
    }

    private void checkLabel(long c) {
        if (c < 0 || c > classes.length) {
            throw new ArtException("class label of " + name + ": expected 0.." + (classes.length - 1)
                    + " (or " + classes.length + " for unconditional), found " + c);
        }
    }

    /**
     * The exact guided denoiser D_u + w (D_c - D_u) and, when {@code xt != null}, its JVP, for one sample in
     * double.
     */
    public void guided(double[] x, double s, int label, double w, double[] xt, double st, double[] out,
                       double[] tOut) {
        checkLabel(label);
        double[] u = new double[dim];
        double[] ut = xt == null ? null : new double[dim];
        unconditional.evaluate(x, s, xt, st, u, ut);
        model(label).evaluate(x, s, xt, st, out, tOut);
        for (int j = 0; j < dim; j++) {
            out[j] = u[j] + w * (out[j] - u[j]);
            if (xt != null) {
                tOut[j] = ut[j] + w * (tOut[j] - ut[j]);
            }
        }
    }

    /** log p_s(x | label), the density of class {@code label} (C: unconditional) noised to level {@code s}. */
    public double logDensity(double[] x, double s, int label) {
        checkLabel(label);
        double[][] m;
        double[] w;
        double[] sd;
        if (label < classes.length) {
            m = means[label];
            w = weights[label];
            sd = stds[label];
        } else {
            int n = 0;
            for (double[][] mk : means) {
                n += mk.length;
            }
            m = new double[n][];
            w = new double[n];
            sd = new double[n];
            int i = 0;
            for (int k = 0; k < classes.length; k++) {
                for (int q = 0; q < means[k].length; q++, i++) {
                    m[i] = means[k][q];
                    w[i] = priors[k] * weights[k][q];
                    sd[i] = stds[k][q];
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double v = sd[i] * sd[i] + s * s;
            double sq = 0;
            for (int j = 0; j < dim; j++) {
                double r = x[j] - m[i][j];
                sq += r * r;
            }
            terms[i] = Math.log(w[i]) - sq / (2 * v) - 0.5 * dim * Math.log(2 * Math.PI * v);
            max = Math.max(max, terms[i]);
        }
        double z = 0;
        for (double t : terms) {
            z += Math.exp(t - max);
        }
        return max + Math.log(z);
    }

    @Override
    public int sampleSize() {
        return dim;
    }

    @Override
    public List<CondSpec> conditioningInputs() {
        return List.of(new CondSpec(INPUT, CondType.INT64, new long[0], true));
    }

    @Override
    public String label() {
        return "analytic:" + name;
    }

    private int labelOf(Conditioning table, int row) {
        long c = table.arrays().get(0).longs()[row];
        checkLabel(c);
        return (int) c;
    }

    @Override
    public void denoise(float[] x, float[] sigma, Conditioning table, int[] rows, int batch, float[] out) {
        jvp(x, sigma, null, null, table, rows, batch, out, null);
    }

    @Override
    public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, Conditioning table, int[] rows,
                    int batch, float[] denoised, float[] denoisedTangent) {
        double[] xi = new double[dim];
        double[] ti = xTangent == null ? null : new double[dim];
        double[] o = new double[dim];
        double[] to = new double[dim];
        for (int b = 0; b < batch; b++) {
            int off = b * dim;
            for (int j = 0; j < dim; j++) {
                xi[j] = x[off + j];
                if (ti != null) {
                    ti[j] = xTangent[off + j];
                }
            }
            model(labelOf(table, rows[b])).evaluate(xi, sigma[b], ti, ti == null ? 0 : sigmaTangent[b], o, to);
            for (int j = 0; j < dim; j++) {
                denoised[off + j] = (float) o[j];
                if (ti != null) {
                    denoisedTangent[off + j] = (float) to[j];
                }
            }
        }
    }

    @Override
    public java.util.OptionalDouble sigmaMin() {
        return java.util.OptionalDouble.of(SIGMA_MIN);
    }

    @Override
    public java.util.OptionalDouble sigmaMax() {
        return java.util.OptionalDouble.of(sigmaMax);
    }

    @Override
    public java.util.OptionalDouble sigmaData() {
        return java.util.OptionalDouble.of(1.0);
    }

    @Override
    public String toString() {
        return "ClassConditionalMixture[" + describe() + "]";
    }
}
