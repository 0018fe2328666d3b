package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.adaptive.StepRule;

import java.util.Arrays;

/**
 * One batched sampling pass in which every sample has its own noise level: the shared engine of the adaptive
 * sampler and of the reinforcement-learning environment. Each {@link #step} advances the listed samples by one
 * Euler or Heun step (the arithmetic of {@link EulerSampler} and {@link HeunSampler}, in float, per sample) to
 * their own next sigmas, calling the denoiser once (Euler) or twice (Heun, the corrector only for samples not
 * stepping to 0) on the packed sub-batch, and counts evaluations per sample. A sample is done at sigma = 0. Not
 * thread-safe.
 */
public final class AdaptiveEpisode {
    private final Denoiser denoiser;
    private final StepRule rule;
    private final int batch;
    private final int size;
    private final float[] x;
    private final double[] sigma;
    private final int[] steps;
    private final int[] nfe;
    private long calls;

    /**
     * @param denoiser the model
     * @param rule     the step rule (solver and budget)
     * @param x0       {@code batch * sampleSize} initial states at the map's sigma_max (not modified)
     * @param batch    number of samples, >= 1
     */
    public AdaptiveEpisode(Denoiser denoiser, StepRule rule, float[] x0, int batch) {
        if (denoiser == null || rule == null || x0 == null) {
            throw new ArtException("an adaptive episode needs a denoiser, a step rule and initial states");
        }
        if (batch < 1 || x0.length != batch * denoiser.sampleSize()) {
            throw new ArtException("initial state expected batch * sampleSize = " + batch + " * "
                    + denoiser.sampleSize() + " floats, found " + x0.length);
        }
        this.denoiser = denoiser;
        this.rule = rule;
        this.batch = batch;
        this.size = denoiser.sampleSize();
        this.x = x0.clone();
        this.sigma = new double[batch];
        Arrays.fill(sigma, rule.map().sigmaMax());
        this.steps = new int[batch];
        this.nfe = new int[batch];
    }

    /** The step rule. */
    public StepRule rule() {
        return rule;
    }

    /** Number of samples. */
    public int batch() {
        return batch;
    }

    /** Floats per sample. */
    public int sampleSize() {
        return size;
    }

    /** Indices of the samples not yet at sigma = 0, ascending. */
    public int[] active() {
        return java.util.stream.IntStream.range(0, batch).filter(i -> sigma[i] > 0).toArray();
    }

    /** Whether every sample has reached sigma = 0. */
    public boolean finished() {
        return active().length == 0;
    }

    /** The current sigma of sample {@code i}. */
    public double sigma(int i) {
        return sigma[i];
    }

    /** Steps sample {@code i} has taken. */
    public int steps(int i) {
        return steps[i];
    }

    /** Evaluations sample {@code i} has spent. */
    public int nfe(int i) {
        return nfe[i];
    }

    /** A copy of the evaluations spent per sample. */
    public int[] nfe() {
        return nfe.clone();
    }

    /** The current states of the listed samples, packed. */
    public float[] gather(int[] idx) {
        float[] out = new float[idx.length * size];
        for (int j = 0; j < idx.length; j++) {
            System.arraycopy(x, idx[j] * size, out, j * size, size);
        }
        return out;
    }

    /** A copy of all current states. */
    public float[] samples() {
        return x.clone();
    }

    /** Advances the listed samples with proposed decrements of t: next sigmas by the step rule; returns them. */
    public double[] act(int[] idx, double[] actions) {
        double[] next = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
            next[j] = rule.next(sigma[idx[j]], actions[j], nfe[idx[j]]);
        }
        step(idx, next);
        return next;
    }

    /**
     * Advances the listed (active, distinct) samples by one solver step each to {@code next} (0 <= next < sigma;
     * a step must fit the remaining budget).
     */
    public void step(int[] idx, double[] next) {
        int m = idx.length;
        if (m == 0) {
            return;
        }
        if (next.length != m) {
            throw new ArtException("expected " + m + " next sigmas, found " + next.length);
        }
        for (int j = 0; j < m; j++) {
            int i = idx[j];
            double s = sigma[i];
            if (!(s > 0) || !(next[j] >= 0 && next[j] < s)) {
                throw new ArtException("sample " + i + " cannot step from sigma " + s + " to " + next[j]
                        + ": expected an active sample and 0 <= next < sigma");
            }
            if (nfe[i] + rule.cost(next[j]) > rule.budgetNfe()) {
                throw new ArtException("sample " + i + " has spent " + nfe[i] + " of " + rule.budgetNfe()
                        + " evaluations; a step to " + next[j] + " would exceed the budget");
            }
        }
        float[] xs = gather(idx);
        float[] den = new float[m * size];
        float[] sig = new float[m];
        for (int j = 0; j < m; j++) {
            sig[j] = (float) sigma[idx[j]];
        }
        call(xs, sig, m, den);
        float[] d = new float[m * size];
        float[] xNext = new float[m * size];
        for (int j = 0; j < m; j++) {
            float sf = (float) sigma[idx[j]];
            float h = (float) next[j] - sf;
            for (int e = j * size; e < (j + 1) * size; e++) {
                d[e] = (xs[e] - den[e]) / sf;
                xNext[e] = xs[e] + h * d[e];
            }
        }
        if (rule.solver() == Solver.HEUN) {
            int[] corr = java.util.stream.IntStream.range(0, m).filter(j -> next[j] != 0.0).toArray();
            if (corr.length > 0) {
                float[] xc = new float[corr.length * size];
                float[] sc = new float[corr.length];
                for (int c = 0; c < corr.length; c++) {
                    System.arraycopy(xNext, corr[c] * size, xc, c * size, size);
                    sc[c] = (float) next[corr[c]];
                }
                float[] den2 = new float[corr.length * size];
                call(xc, sc, corr.length, den2);
                for (int c = 0; c < corr.length; c++) {
                    int j = corr[c];
                    float h = (float) next[j] - (float) sigma[idx[j]];
                    for (int e = 0; e < size; e++) {
                        int je = j * size + e;
                        float d2 = (xc[c * size + e] - den2[c * size + e]) / sc[c];
                        xNext[je] = xs[je] + h * (0.5f * d[je] + 0.5f * d2);
                    }
                }
            }
        }
        for (int j = 0; j < m; j++) {
            int i = idx[j];
            System.arraycopy(xNext, j * size, x, i * size, size);
            nfe[i] += rule.cost(next[j]);
            steps[i]++;
            sigma[i] = next[j];
        }
    }

    /** Batched denoiser calls made so far. */
    public long calls() {
        return calls;
    }

    private void call(float[] xs, float[] sig, int m, float[] out) {
        calls++;
        denoiser.denoise(xs, sig, m, out);
        for (int e = 0; e < out.length; e++) {
            if (!Float.isFinite(out[e])) {
                throw new ArtException("denoiser returned a non-finite value (" + out[e] + ") at sigma "
                        + sig[e / size] + "; expected finite outputs");
            }
        }
    }
}
