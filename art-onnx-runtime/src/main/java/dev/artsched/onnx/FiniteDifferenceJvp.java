package dev.artsched.onnx;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.ForwardingJvpDenoiser;
import dev.artsched.scheduler.ArtException;


/**
 * A Jacobian-vector product by a one-sided (forward) finite difference over ANY {@link Denoiser}, for models
 * exported without a JVP graph: one extra batched denoiser call per JVP,
 * {@code J . v ~ (D(x + h x_t; s + h s_t) - D(x; s)) / h}, ART's "Q-style" fallback.
 *
 * <p>The step is chosen per sample relative to the state, {@code h = eta * min(max(rms(x), s) / rms(x_t),
 * s / |s_t|)}, so x moves by about {@code eta} of its own scale and sigma by at most the fraction {@code eta}
 * (sigma stays positive). Error model: truncation ~ (h/2) |D''[v, v]| (relative O(eta)) plus float32 rounding
 * ~ 1e-7 |D| / (h |J v|); {@link #DEFAULT_ETA} = 1e-3 balances the two for float32 models (eta from 1e-1 to
 * 1e-4 was swept). Measured against the exported JVP graphs (JvpTest, 200 samples, sigma log-uniform in
 * [0.05, sigma_max]): relative error in the batch Euclidean norm 4e-4 (1-D Gaussian), 1.2e-3 (2-D mixture),
 * 5e-4 (small UNet); worst single sample 1.6e-3 (UNet), 7e-3 (mixture) and 4e-2 (1-D, where x_t and s_t
 * nearly cancel so |J v| is tiny). Treat it as a JVP accurate to ~1e-3 in norm: ample for ART's |Q|, not a
 * substitute for an exact graph where one exists.
 *
 * <p>Where D barely moves along the tangent (ART's Q at very small sigma: D(x + hF; s - h) rounds to D(x; s) in
 * float32 and the plain difference is exactly 0), the step is grown until the change is resolvable and those
 * samples get a central difference with it (two more calls for that batch; error O(h^2), under 1% where the
 * plain difference returned 0).
 *
 * <p>Thread-safe if the wrapped denoiser is: scratch arrays are per thread.
 */
public final class FiniteDifferenceJvp extends ForwardingJvpDenoiser implements CloseableJvpDenoiser {
    /** Default relative step for float32 models. */
    public static final double DEFAULT_ETA = 1e-3;
    /**
     * Smallest relative change of D (RMS over the sample) that float32 resolves to ~0.1%; below it the step is
     * grown (at most {@link #MAX_GROWTH} times, to at most {@link #MAX_ETA} of the state or sigma scale) and a
     * central difference is taken with two more calls.
     */
    static final double MIN_RELATIVE_CHANGE = 1e-4;
    /** Largest factor by which a step too small for float32 is grown. */
    static final double MAX_GROWTH = 1000;
    /** Largest relative step after growth (sigma stays positive). */
    static final double MAX_ETA = 0.25;

    private final double eta;
    private final boolean ownsDenoiser;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private FiniteDifferenceJvp(Denoiser denoiser, double eta, boolean ownsDenoiser) {
        super(checked(denoiser, eta));
        this.eta = eta;
        this.ownsDenoiser = ownsDenoiser;
    }

    private static Denoiser checked(Denoiser denoiser, double eta) {
        if (denoiser == null) {
            throw new ArtException("the denoiser to differentiate must not be null");
        }
        if (!(eta > 0) || !(eta < 0.5)) {
            throw new ArtException("finite-difference eta must be in (0, 0.5), found " + eta);
        }
        return denoiser;
    }

    /** Wraps a denoiser with {@link #DEFAULT_ETA}; {@link #close()} leaves the denoiser open. */
    public static FiniteDifferenceJvp of(Denoiser denoiser) {
        return new FiniteDifferenceJvp(denoiser, DEFAULT_ETA, false);
    }

    /** Wraps a denoiser with relative step {@code eta}; {@link #close()} leaves the denoiser open. */
    public static FiniteDifferenceJvp of(Denoiser denoiser, double eta) {
        return new FiniteDifferenceJvp(denoiser, eta, false);
    }

    /** Wraps and takes ownership of a denoiser: {@link #close()} closes it too. */
    public static FiniteDifferenceJvp owning(OnnxDenoiser denoiser, double eta) {
        return new FiniteDifferenceJvp(denoiser, eta, true);
    }

    /** The relative step. */
    public double eta() {
        return eta;
    }

    /** The wrapped denoiser. */
    public Denoiser denoiser() {
        return delegate();
    }

    @Override
    public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                    float[] denoised, float[] denoisedTangent) {
        Denoiser denoiser = delegate();
        int d = denoiser.sampleSize();
        int n = d * batch;
        if (xTangent.length < n || sigmaTangent.length < batch || x.length < n || sigma.length < batch) {
            throw new ArtException("jvp: expected x and x_tangent of " + n + " floats and sigma, sigma_tangent of "
                    + batch + ", found " + x.length + ", " + xTangent.length + ", " + sigma.length + ", "
                    + sigmaTangent.length);
        }
        denoiser.denoise(x, sigma, batch, denoised);
        Scratch s = scratch.get().ensure(n, batch);
        for (int b = 0; b < batch; b++) {
            int off = b * d;
            double xs = 0;
            double ts = 0;
            for (int j = off; j < off + d; j++) {
                xs += (double) x[j] * x[j];
                ts += (double) xTangent[j] * xTangent[j];
            }
            double sig = sigma[b];
            double st = Math.abs(sigmaTangent[b]);
            double scale = Math.max(Math.sqrt(xs / d), sig);
            double tn = Math.sqrt(ts / d);
            double h = tn > 0 ? scale / tn : Double.POSITIVE_INFINITY;
            if (st > 0) {
                h = Math.min(h, sig / st);
            }
            if (!Double.isFinite(h) || !(h > 0)) {
                h = scale > 0 ? scale : 1.0;
            }
            s.hMax[b] = MAX_ETA * h;
            h *= eta;
            s.h[b] = h;
            for (int j = off; j < off + d; j++) {
                s.x[j] = (float) (x[j] + h * xTangent[j]);
            }
            s.sigma[b] = (float) (sig + h * sigmaTangent[b]);
        }
        denoiser.denoise(s.x, s.sigma, batch, denoisedTangent);
        boolean retry = false;
        for (int b = 0; b < batch; b++) {
            double delta = 0;
            double base = 0;
            for (int j = b * d, e = j + d; j < e; j++) {
                double diff = (double) denoisedTangent[j] - denoised[j];
                delta += diff * diff;
                base += (double) denoised[j] * denoised[j];
            }
            double rel = base > 0 ? Math.sqrt(delta / base) : 1.0;
            double grown = rel < MIN_RELATIVE_CHANGE
                    ? Math.min(s.h[b] * Math.min(MIN_RELATIVE_CHANGE / Math.max(rel, 1e-300), MAX_GROWTH), s.hMax[b])
                    : s.h[b];
            s.retry[b] = grown > 1.5 * s.h[b];
            if (s.retry[b]) {
                s.h[b] = grown;
                retry = true;
            }
        }
        if (retry) {
            // float32 rounding swamped the difference (D barely moves along the tangent, e.g. the sigma
            // direction at very small sigma): a central difference with a step large enough to be resolved
            // (two more calls; truncation error O(h^2) despite the larger step)
            shifted(x, sigma, xTangent, sigmaTangent, batch, d, s, 1.0);
            denoiser.denoise(s.x, s.sigma, batch, s.out);
            shifted(x, sigma, xTangent, sigmaTangent, batch, d, s, -1.0);
            denoiser.denoise(s.x, s.sigma, batch, s.back);
        }
        for (int b = 0; b < batch; b++) {
            double inv = 1.0 / s.h[b];
            for (int j = b * d, e = j + d; j < e; j++) {
                denoisedTangent[j] = s.retry[b] ? (float) (((double) s.out[j] - s.back[j]) * 0.5 * inv)
                        : (float) ((denoisedTangent[j] - denoised[j]) * inv);
            }
        }
    }

    /** Fills the scratch state with x + sign h x_t, sigma + sign h s_t for every sample. */
    private static void shifted(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch, int d,
                                Scratch s, double sign) {
        for (int b = 0; b < batch; b++) {
            double h = sign * s.h[b];
            for (int j = b * d, e = j + d; j < e; j++) {
                s.x[j] = (float) (x[j] + h * xTangent[j]);
            }
            s.sigma[b] = (float) (sigma[b] + h * sigmaTangent[b]);
        }
    }

    /** Closes the wrapped denoiser if this object owns it (see {@link #owning}); idempotent. */
    @Override
    public void close() {
        if (ownsDenoiser) {
            ((OnnxDenoiser) delegate()).close();
        }
    }

    private static final class Scratch {
        float[] x = new float[0];
        float[] out = new float[0];
        float[] back = new float[0];
        float[] sigma = new float[0];
        double[] h = new double[0];
        double[] hMax = new double[0];
        boolean[] retry = new boolean[0];

        Scratch ensure(int n, int batch) {
            if (x.length != n) {
                x = new float[n];
                out = new float[n];
                back = new float[n];
            }
            if (sigma.length != batch) {
                sigma = new float[batch];
                h = new double[batch];
                hMax = new double[batch];
                retry = new boolean[batch];
            }
            return this;
        }
    }
}
