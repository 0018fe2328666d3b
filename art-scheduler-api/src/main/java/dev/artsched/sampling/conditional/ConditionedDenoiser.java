package dev.artsched.sampling.conditional;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.OptionalDouble;

/**
 * A {@link ConditionalDenoiser} with fixed conditioning, as a plain {@link Denoiser}: sample b of every call uses
 * row {@code order[b mod M]} of the set, where {@code order} is {@link Conditioning#permutation}{@code (M, seed)}.
 * Use {@link #of} to get a {@link JvpDenoiser} when the model has a JVP. Thread-safety: as the model's (the
 * wrapper is immutable; its per-call row indices live in per-thread buffers, reused).
 */
public class ConditionedDenoiser implements Denoiser {
    private final ConditionalDenoiser model;
    private final Conditioning table;
    private final int[] order;
    private final ThreadLocal<int[]> rowBuffer = new ThreadLocal<>();

    ConditionedDenoiser(ConditionalDenoiser model, Conditioning cond, long seed) {
        if (model == null || cond == null) {
            throw new ArtException("a conditioned denoiser needs a model and a conditioning set, found " + model
                    + ", " + cond);
        }
        this.model = model;
        this.table = cond.bind(model.conditioningInputs(), model.label());
        this.order = Conditioning.permutation(table.rows(), seed);
    }

    /**
     * The model with conditioning {@code cond} (checked against the model's inputs), rows ordered by {@code seed};
     * a {@link JvpDenoiser} when the model is a {@link ConditionalJvpDenoiser}.
     */
    public static ConditionedDenoiser of(ConditionalDenoiser model, Conditioning cond, long seed) {
        return model instanceof ConditionalJvpDenoiser j ? new Jvp(j, cond, seed)
                : new ConditionedDenoiser(model, cond, seed);
    }

    /** The row order: sample b of a call uses row {@code rowOrder()[b mod M]}. */
    public int[] rowOrder() {
        return order.clone();
    }

    /** The conditioning rows bound to the model. */
    public Conditioning conditioning() {
        return table;
    }

    /** The conditional model. */
    public ConditionalDenoiser model() {
        return model;
    }

    /** The rows of a call of {@code batch} samples (a per-thread buffer, valid until the next call). */
    final int[] rows(int batch) {
        int[] r = rowBuffer.get();
        if (r == null || r.length < batch) {
            r = new int[batch];
            for (int b = 0; b < batch; b++) {
                r[b] = order[b % order.length];
            }
            rowBuffer.set(r);
        }
        return r;
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
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        model.denoise(x, sigma, table, rows(batch), batch, out);
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
        return "ConditionedDenoiser[" + model.label() + ", " + table.source() + ", M = " + table.rows() + "]";
    }

    /** The JVP variant. */
    static final class Jvp extends ConditionedDenoiser implements JvpDenoiser {
        private final ConditionalJvpDenoiser jvpModel;

        Jvp(ConditionalJvpDenoiser model, Conditioning cond, long seed) {
            super(model, cond, seed);
            this.jvpModel = model;
        }

        @Override
        public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                        float[] denoised, float[] denoisedTangent) {
            jvpModel.jvp(x, sigma, xTangent, sigmaTangent, conditioning(), rows(batch), batch, denoised,
                    denoisedTangent);
        }
    }
}
