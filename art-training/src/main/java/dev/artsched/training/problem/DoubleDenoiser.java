package dev.artsched.training.problem;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.Objects;

/**
 * A batched denoiser D(x; sigma) and, when available, its JVP in double arrays, for the grid optimisers: an
 * analytic mixture is evaluated exactly in double, any other model through its float32 interface. Counts batched
 * calls (a JVP call counts once) and rejects non-finite outputs. Not thread-safe.
 */
public final class DoubleDenoiser {
    private final Denoiser forward;
    private final JvpDenoiser jvp;
    private final GaussianMixtureDenoiser exact;
    private final int dim;
    private long calls;

    private DoubleDenoiser(Denoiser forward, JvpDenoiser jvp, GaussianMixtureDenoiser exact) {
        this.forward = forward;
        this.jvp = jvp;
        this.exact = exact;
        this.dim = forward.sampleSize();
    }

    /** A forward-only model (no JVP: gradient-based optimisers fall back to finite differences). */
    public static DoubleDenoiser forwardOnly(Denoiser denoiser) {
        return new DoubleDenoiser(Objects.requireNonNull(denoiser, "denoiser"), null, null);
    }

    /** A model with its JVP; a Gaussian mixture is evaluated exactly in double. */
    public static DoubleDenoiser withJvp(JvpDenoiser denoiser) {
        Objects.requireNonNull(denoiser, "denoiser");
        return new DoubleDenoiser(denoiser, denoiser,
                denoiser instanceof GaussianMixtureDenoiser g ? g : null);
    }

    /** Elements per sample. */
    public int dim() {
        return dim;
    }

    /** Whether {@link #jvp} is available. */
    public boolean hasJvp() {
        return jvp != null;
    }

    /** Batched calls so far. */
    public long calls() {
        return calls;
    }

    /** The underlying model. */
    public Denoiser model() {
        return forward;
    }

    /** D(x; sigma) for {@code batch} samples into {@code out}. */
    public void denoise(double[] x, double[] sigma, int batch, double[] out) {
        calls++;
        if (exact != null) {
            double[] xi = new double[dim];
            double[] o = new double[dim];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, b * dim, xi, 0, dim);
                exact.evaluate(xi, sigma[b], null, 0, o, null);
                System.arraycopy(o, 0, out, b * dim, dim);
            }
        } else {
            float[] xf = toFloat(x, batch * dim);
            float[] of = new float[batch * dim];
            forward.denoise(xf, toFloat(sigma, batch), batch, of);
            copy(of, out);
        }
        check(out, batch, sigma, "denoiser output");
    }

    /** D and its JVP with tangents (xt, st) for {@code batch} samples. */
    public void jvp(double[] x, double[] sigma, double[] xt, double[] st, int batch, double[] out, double[] tOut) {
        if (jvp == null) {
            throw new ArtException("this model has no JVP; expected a JVP graph or an analytic model");
        }
        calls++;
        if (exact != null) {
            double[] xi = new double[dim];
            double[] ti = new double[dim];
            double[] o = new double[dim];
            double[] to = new double[dim];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(x, b * dim, xi, 0, dim);
                System.arraycopy(xt, b * dim, ti, 0, dim);
                exact.evaluate(xi, sigma[b], ti, st[b], o, to);
                System.arraycopy(o, 0, out, b * dim, dim);
                System.arraycopy(to, 0, tOut, b * dim, dim);
            }
        } else {
            float[] of = new float[batch * dim];
            float[] tf = new float[batch * dim];
            jvp.jvp(toFloat(x, batch * dim), toFloat(sigma, batch), toFloat(xt, batch * dim), toFloat(st, batch),
                    batch, of, tf);
            copy(of, out);
            copy(tf, tOut);
        }
        check(out, batch, sigma, "denoiser output");
        check(tOut, batch, sigma, "JVP output");
    }

    private static float[] toFloat(double[] v, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static void copy(float[] from, double[] to) {
        for (int i = 0; i < from.length; i++) {
            to[i] = from[i];
        }
    }

    private void check(double[] v, int batch, double[] sigma, String what) {
        for (int j = 0; j < batch * dim; j++) {
            if (!Double.isFinite(v[j])) {
                throw new ArtException("the model returned a non-finite " + what + " (" + v[j] + ") for sample "
                        + (j / dim) + " at sigma = " + sigma[j / dim] + "; expected finite values");
            }
        }
    }
}
