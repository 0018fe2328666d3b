package dev.artsched.onnx;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Checks an exported JVP graph against central finite differences of the forward model on a few seeded random
 * points ({@link #POINTS} samples, sigma log-uniform in the upper half of the model's range where float32 finite
 * differences are accurate to about 1e-3). The relative error ||J - FD|| / ||FD|| over all points must not exceed
 * {@link #MAX_RELATIVE_ERROR}: a tangent that is always 0 (error 1), negated (2) or scaled by 2 (1) or by 0.5
 * (0.5) is refused; a scale error under 10% is below the bound.
 */
public final class JvpCheck {
    /** Largest accepted relative error of the graph's tangent against finite differences. */
    public static final double MAX_RELATIVE_ERROR = 0.1;
    /** Number of random samples checked. */
    public static final int POINTS = 4;
    private static final double ETA = 1e-3;

    private JvpCheck() {
    }

    /**
     * The relative error of {@code graph}'s tangent against finite differences of {@code forward}.
     *
     * @param sigmaMin smallest sigma of the model's range (> 0)
     * @param sigmaMax largest sigma of the model's range
     */
    public static double relativeError(Denoiser forward, JvpDenoiser graph, double sigmaMin, double sigmaMax,
                                       long seed) {
        int d = forward.sampleSize();
        int b = POINTS;
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[b * d];
        float[] sigma = new float[b];
        float[] xt = new float[b * d];
        float[] st = new float[b];
        double lo = Math.log(Math.sqrt(sigmaMin * sigmaMax));
        double hi = Math.log(sigmaMax);
        for (int i = 0; i < b; i++) {
            double s = Math.exp(lo + (hi - lo) * r.nextDouble());
            sigma[i] = (float) s;
            st[i] = (float) (s * (r.nextDouble() - 0.5));
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (gauss(r) * Math.sqrt(1 + s * s));
                xt[i * d + j] = (float) gauss(r);
            }
        }
        float[] den = new float[b * d];
        float[] tangent = new float[b * d];
        graph.jvp(x, sigma, xt, st, b, den, tangent);
        float[] plus = new float[b * d];
        float[] minus = new float[b * d];
        float[] xp = new float[b * d];
        float[] xm = new float[b * d];
        float[] sp = new float[b];
        float[] sm = new float[b];
        double[] h = new double[b];
        for (int i = 0; i < b; i++) {
            double norm = 0;
            double tn = st[i] * (double) st[i];
            for (int j = 0; j < d; j++) {
                norm += x[i * d + j] * (double) x[i * d + j] + sigma[i] * (double) sigma[i];
                tn += xt[i * d + j] * (double) xt[i * d + j];
            }
            h[i] = ETA * Math.sqrt(norm / d) / Math.max(Math.sqrt(tn / d), 1e-30);
            for (int j = 0; j < d; j++) {
                xp[i * d + j] = (float) (x[i * d + j] + h[i] * xt[i * d + j]);
                xm[i * d + j] = (float) (x[i * d + j] - h[i] * xt[i * d + j]);
            }
            sp[i] = (float) (sigma[i] + h[i] * st[i]);
            sm[i] = (float) (sigma[i] - h[i] * st[i]);
        }
        forward.denoise(xp, sp, b, plus);
        forward.denoise(xm, sm, b, minus);
        double num = 0;
        double ref = 0;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double fd = ((double) plus[i * d + j] - minus[i * d + j]) / (2 * h[i]);
                double diff = tangent[i * d + j] - fd;
                num += diff * diff;
                ref += fd * fd;
            }
        }
        if (!Double.isFinite(num) || !Double.isFinite(ref)) {
            return Double.POSITIVE_INFINITY;
        }
        return ref > 0 ? Math.sqrt(num / ref) : num > 0 ? Double.POSITIVE_INFINITY : 0;
    }

    /**
     * Refuses a graph whose tangent is more than {@link #MAX_RELATIVE_ERROR} off the finite differences; the
     * message names the graph, the error found and the bound.
     */
    public static void verify(Denoiser forward, JvpDenoiser graph, double sigmaMin, double sigmaMax, long seed,
                              String label) {
        double e = relativeError(forward, graph, sigmaMin, sigmaMax, seed);
        if (!(e <= MAX_RELATIVE_ERROR)) {
            throw new ArtException("the JVP graph " + label + " does not match the model: expected its tangent "
                    + "within a relative error of " + MAX_RELATIVE_ERROR + " of finite differences on "
                    + POINTS + " random points, found " + String.format(Locale.ROOT, "%.3g", e)
                    + " (a wrong, zero, scaled or negated tangent; or a JVP graph of another model)");
        }
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
