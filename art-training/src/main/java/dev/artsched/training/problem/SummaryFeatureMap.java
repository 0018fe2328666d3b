package dev.artsched.training.problem;

/**
 * The six summary features for high-dimensional states (docs/MATH.md section 3): t/T, psi/T, log s,
 * log(||x|| / sqrt d), log(||F|| / sqrt d), log(max(||Q|| / sqrt d, eps)). Norms below 1e-12 are floored
 * there so the logs stay finite.
 */
public final class SummaryFeatureMap implements FeatureMap {
    private static final double FLOOR = 1e-12;
    private final double eps;

    /** With the policy's eps = 1e-6. */
    public SummaryFeatureMap() {
        this(1e-6);
    }

    /** With a given eps for the |Q| feature. */
    public SummaryFeatureMap(double eps) {
        this.eps = eps;
    }

    @Override
    public int size() {
        return 6;
    }

    @Override
    public String id() {
        return "summary6";
    }

    @Override
    public void compute(double t, double psi, double s, double[] x, double[] f, double qNorm, int b, int dim,
                        double sigmaMax, double[] out, int outOffset) {
        double xs = 0;
        double fs = 0;
        for (int j = b * dim, e = j + dim; j < e; j++) {
            xs += x[j] * x[j];
            fs += f[j] * f[j];
        }
        out[outOffset] = t / sigmaMax;
        out[outOffset + 1] = psi / sigmaMax;
        out[outOffset + 2] = Math.log(s);
        out[outOffset + 3] = Math.log(Math.max(Math.sqrt(xs / dim), FLOOR));
        out[outOffset + 4] = Math.log(Math.max(Math.sqrt(fs / dim), FLOOR));
        out[outOffset + 5] = Math.log(Math.max(qNorm, eps));
    }
}
