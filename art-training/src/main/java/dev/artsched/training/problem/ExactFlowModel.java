package dev.artsched.training.problem;

import dev.artsched.sampling.analytic.GaussianDenoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.Objects;

/**
 * The exact flow of an analytic denoiser in double precision: F from D, Q from the closed-form JVP with tangents
 * (F, -1). For the 1-D benchmark this gives Q = x / (1 + s^2)^2 (docs/MATH.md section 4).
 */
public final class ExactFlowModel implements FlowModel {
    private final GaussianDenoiser gaussian;
    private final GaussianMixtureDenoiser mixture;
    private final int dim;
    private long calls;

    /** The exact flow of isotropic Gaussian data. */
    public ExactFlowModel(GaussianDenoiser gaussian) {
        this.gaussian = Objects.requireNonNull(gaussian, "gaussian");
        this.mixture = null;
        this.dim = gaussian.sampleSize();
    }

    /** The exact flow of a Gaussian mixture. */
    public ExactFlowModel(GaussianMixtureDenoiser mixture) {
        this.gaussian = null;
        this.mixture = Objects.requireNonNull(mixture, "mixture");
        this.dim = mixture.sampleSize();
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void evaluate(double[] x, double[] sigma, int batch, double[] f, double[] q) {
        if (gaussian != null) {
            for (int b = 0; b < batch; b++) {
                double s = sigma[b];
                double a = gaussian.dDenoiseDx(s);
                for (int j = b * dim, e = j + dim; j < e; j++) {
                    double fj = (gaussian.denoise(x[j], s) - x[j]) / s;
                    f[j] = fj;
                    q[j] = (a * fj - gaussian.dDenoiseDSigma(x[j], s)) / s;
                }
            }
        } else {
            double[] xi = new double[dim];
            double[] d = new double[dim];
            double[] fi = new double[dim];
            double[] t = new double[dim];
            for (int b = 0; b < batch; b++) {
                double s = sigma[b];
                System.arraycopy(x, b * dim, xi, 0, dim);
                mixture.evaluate(xi, s, null, 0, d, null);
                for (int j = 0; j < dim; j++) {
                    fi[j] = (d[j] - xi[j]) / s;
                }
                mixture.evaluate(xi, s, fi, -1.0, d, t);
                for (int j = 0; j < dim; j++) {
                    f[b * dim + j] = fi[j];
                    q[b * dim + j] = t[j] / s;
                }
            }
        }
        calls += 2;
        for (int j = 0; j < batch * dim; j++) {
            if (!Double.isFinite(f[j]) || !Double.isFinite(q[j])) {
                throw new ArtException("the analytic model returned a non-finite value for sample " + (j / dim)
                        + " at sigma = " + sigma[j / dim] + " (x = " + x[j] + "); expected finite values");
            }
        }
    }

    @Override
    public long calls() {
        return calls;
    }

    @Override
    public String jvpStrategy() {
        return "exact";
    }
}
