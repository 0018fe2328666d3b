package dev.artsched.training.problem;

/** The built-in feature maps: the 1-D (t, x, psi) map and the six summary features of any dimension. */
public final class FeatureMaps {
    private FeatureMaps() {
    }

    /** The 1-D features (t, x, psi) when d = 1, else the six summary features. */
    public static FeatureMap forDimension(int dim) {
        return dim == 1 ? new ScalarFeatureMap() : new SummaryFeatureMap();
    }
}
