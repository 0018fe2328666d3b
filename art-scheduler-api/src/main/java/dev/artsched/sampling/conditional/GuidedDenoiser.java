package dev.artsched.sampling.conditional;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.OptionalDouble;

/**
 * Classifier-free guidance as a plain {@link Denoiser}: D_w(x; s, c) = D(x; s, u) + w (D(x; s, c) - D(x; s, u)),
 * evaluated as ONE call of the conditional model on a batch of 2B (samples 0..B-1 with their conditioning rows,
 * B..2B-1 with the unconditional row). Sample b uses row {@code order[b mod M]} of the conditioning set, as in
 * {@link ConditionedDenoiser}. The JVP is the same combination of the two JVPs, again one call of 2B. Use
 * {@link #of} to get a {@link JvpDenoiser} when the model has a JVP. Thread-safety: as the model's; the 2B work
 * buffers are per thread and reused.
 */
public class GuidedDenoiser implements Denoiser {
    private final ConditionalDenoiser model;
    private final Conditioning table;
    private final int conditionalRows;
    private final int[] order;
    private final double weight;
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();

    GuidedDenoiser(ConditionalDenoiser model, Conditioning cond, Conditioning uncond, double weight, long seed) {
        if (model == null || cond == null || uncond == null) {
            throw new ArtException("guidance needs a model, a conditioning set and an unconditional row, found "
                    + model + ", " + cond + ", " + uncond);
        }
        if (!Double.isFinite(weight)) {
            throw new ArtException("the guidance weight must be finite, found " + weight);
        }
        if (uncond.rows() != 1) {
            throw new ArtException(uncond.source() + ": expected one unconditional row (M = 1), found M = "
                    + uncond.rows());
        }
        this.model = model;
        Conditioning c = cond.bind(model.conditioningInputs(), model.label());
        this.conditionalRows = c.rows();
        this.table = c.concat(uncond.bind(model.conditioningInputs(), model.label()));
        this.order = Conditioning.permutation(conditionalRows, seed);
        this.weight = weight;
    }

    /**
     * Guidance weight {@code w} on {@code model} with conditioning {@code cond} (rows ordered by {@code seed}) and
     * the one-row unconditional set {@code uncond}; a {@link JvpDenoiser} when the model has a JVP.
     */
    public static GuidedDenoiser of(ConditionalDenoiser model, Conditioning cond, Conditioning uncond, double w,
                                    long seed) {
        return model instanceof ConditionalJvpDenoiser j ? new Jvp(j, cond, uncond, w, seed)
                : new GuidedDenoiser(model, cond, uncond, w, seed);
    }

    /** The guidance weight w. */
    public double weight() {
        return weight;
    }

    /** The row order of the conditioning set: sample b uses row {@code rowOrder()[b mod M]}. */
    public int[] rowOrder() {
        return order.clone();
    }

    /** The conditional model. */
    public ConditionalDenoiser model() {
        return model;
    }

    /** Per-thread buffers of one batch size. */
    static final class Scratch {
        final int batch;
        final float[] x;
        final float[] s;
        final float[] out;
        final int[] rows;
        float[] xt;
        float[] st;
        float[] tOut;

        Scratch(int batch, int per, int[] order, int uncondRow) {
            this.batch = batch;
            x = new float[2 * batch * per];
            s = new float[2 * batch];
            out = new float[2 * batch * per];
            rows = new int[2 * batch];
            for (int b = 0; b < batch; b++) {
                rows[b] = order[b % order.length];
                rows[batch + b] = uncondRow;
            }
        }
    }

    final Scratch scratch(int batch, boolean tangents) {
        if (batch < 1) {
            throw new ArtException("batch must be >= 1, found " + batch);
        }
        Scratch sc = scratch.get();
        if (sc == null || sc.batch != batch) {
            sc = new Scratch(batch, model.sampleSize(), order, conditionalRows);
            scratch.set(sc);
        }
        if (tangents && sc.xt == null) {
            sc.xt = new float[sc.x.length];
            sc.st = new float[sc.s.length];
            sc.tOut = new float[sc.out.length];
        }
        return sc;
    }

    /** Copies a per-sample array of {@code n} values into both halves of {@code two}. */
    static void twice(float[] src, int n, float[] two) {
        System.arraycopy(src, 0, two, 0, n);
        System.arraycopy(src, 0, two, n, n);
    }

    /** out = u + w (c - u), with c the first and u the second half of {@code two}. */
    final void combine(float[] two, int n, float[] out) {
        for (int i = 0; i < n; i++) {
            double u = two[n + i];
            out[i] = (float) (u + weight * (two[i] - u));
        }
    }

    final Conditioning table() {
        return table;
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        Scratch sc = scratch(batch, false);
        int n = batch * model.sampleSize();
        twice(x, n, sc.x);
        twice(sigma, batch, sc.s);
        model.denoise(sc.x, sc.s, table, sc.rows, 2 * batch, sc.out);
        combine(sc.out, n, out);
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    @Override
    public long[] sampleShape() {
        return model.sampleShape();
    }

    @Override
    public OptionalDouble sigmaMin() {
        return model.sigmaMin();
    }

    @Override
    public OptionalDouble sigmaMax() {
        return model.sigmaMax();
    }

    @Override
    public OptionalDouble sigmaData() {
        return model.sigmaData();
    }

    @Override
    public String toString() {
        return "GuidedDenoiser[" + model.label() + ", w = " + weight + ", M = " + conditionalRows + "]";
    }

    /** The JVP variant: one JVP call of batch 2B, combined like D. */
    static final class Jvp extends GuidedDenoiser implements JvpDenoiser {
        private final ConditionalJvpDenoiser jvpModel;

        Jvp(ConditionalJvpDenoiser model, Conditioning cond, Conditioning uncond, double w, long seed) {
            super(model, cond, uncond, w, seed);
            this.jvpModel = model;
        }

        @Override
        public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                        float[] denoised, float[] denoisedTangent) {
            Scratch sc = scratch(batch, true);
            int n = batch * jvpModel.sampleSize();
            twice(x, n, sc.x);
            twice(sigma, batch, sc.s);
            twice(xTangent, n, sc.xt);
            twice(sigmaTangent, batch, sc.st);
            jvpModel.jvp(sc.x, sc.s, sc.xt, sc.st, table(), sc.rows, 2 * batch, sc.out, sc.tOut);
            combine(sc.out, n, denoised);
            combine(sc.tOut, n, denoisedTangent);
        }
    }
}
