package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;

/** The 1-D features (t, x, psi) of the paper's benchmark; rejects states with d != 1. */
public final class ScalarFeatureMap implements FeatureMap {

    @Override
    public int size() {
        return 3;
    }

    @Override
    public String id() {
        return "t-x-psi";
    }

    @Override
    public void compute(double t, double psi, double s, double[] x, double[] f, double qNorm, int b, int dim,
                        double sigmaMax, double[] out, int outOffset) {
        if (dim != 1) {
            throw new ArtException("feature map t-x-psi needs 1-D states, found dimension " + dim
                    + "; expected the summary6 feature map");
        }
        out[outOffset] = t;
        out[outOffset + 1] = x[b];
        out[outOffset + 2] = psi;
    }
}
