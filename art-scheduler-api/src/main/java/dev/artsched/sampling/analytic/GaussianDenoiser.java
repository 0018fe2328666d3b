package dev.artsched.sampling.analytic;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

/**
 * The exact denoiser of isotropic Gaussian data N(mu, s0^2 I) in d dimensions under EDM noising
 * x = x_0 + sigma z: D(x; sigma) = mu + s0^2 / (s0^2 + sigma^2) (x - mu). With d = 1, mu = 0, s0 = 1 this is
 * the 1-D benchmark of the ART paper (section 4 of docs/MATH.md). Immutable and thread-safe; float in and out,
 * double arithmetic inside ({@link #denoise(double, double)} gives the exact value).
 */
public final class GaussianDenoiser implements JvpDenoiser {
    private final int dim;
    private final double mu;
    private final double s0;

    /**
     * @param dim dimension d >= 1
     * @param mu  data mean (every coordinate)
     * @param s0  data standard deviation > 0
     */
    public GaussianDenoiser(int dim, double mu, double s0) {
        if (dim < 1) {
            throw new ArtException("dimension must be >= 1, found " + dim);
        }
        if (!(s0 > 0) || !Double.isFinite(s0) || !Double.isFinite(mu)) {
            throw new ArtException("data mean must be finite and std > 0, found mu = " + mu + ", s0 = " + s0);
        }
        this.dim = dim;
        this.mu = mu;
        this.s0 = s0;
    }

    /** The paper's 1-D benchmark: data N(0, 1). */
    public static GaussianDenoiser paper1d() {
        return new GaussianDenoiser(1, 0.0, 1.0);
    }

    /** Data mean. */
    public double mean() {
        return mu;
    }

    /** Data standard deviation. */
    public double std() {
        return s0;
    }

    @Override
    public int sampleSize() {
        return dim;
    }

    /** Exact D(x; sigma) for one coordinate, in double. */
    public double denoise(double x, double sigma) {
        double v = s0 * s0;
        return mu + v / (v + sigma * sigma) * (x - mu);
    }

    /** Exact dD/dsigma for one coordinate, in double. */
    public double dDenoiseDSigma(double x, double sigma) {
        double v = s0 * s0;
        double w = v + sigma * sigma;
        return -2.0 * sigma * v / (w * w) * (x - mu);
    }

    /** Exact dD/dx (a scalar multiple of the identity), in double. */
    public double dDenoiseDx(double sigma) {
        double v = s0 * s0;
        return v / (v + sigma * sigma);
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        for (int b = 0; b < batch; b++) {
            double s = sigma[b];
            for (int j = b * dim, e = j + dim; j < e; j++) {
                out[j] = (float) denoise(x[j], s);
            }
        }
    }

    @Override
    public void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
                    float[] denoised, float[] denoisedTangent) {
        for (int b = 0; b < batch; b++) {
            double s = sigma[b];
            double a = dDenoiseDx(s);
            double st = sigmaTangent[b];
            for (int j = b * dim, e = j + dim; j < e; j++) {
                denoised[j] = (float) denoise(x[j], s);
                denoisedTangent[j] = (float) (a * xTangent[j] + dDenoiseDSigma(x[j], s) * st);
            }
        }
    }
}
