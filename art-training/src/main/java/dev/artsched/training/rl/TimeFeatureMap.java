package dev.artsched.training.rl;

import dev.artsched.training.problem.SummaryFeatureMap;
import dev.artsched.training.problem.FeatureMap;
/**
 * The clock-only features (t/T, psi/T, log s) of a time-only actor ({@link ArtRlConfig#timeOnlyActor()}): the
 * first three of {@link SummaryFeatureMap}, with no dependence on the state x, so the actor's mean is one clock
 * speed per (t, psi) and the policy targets the best fixed grid. Works in any dimension.
 */
public final class TimeFeatureMap implements FeatureMap {

    @Override
    public int size() {
        return 3;
    }

    @Override
    public String id() {
        return "time3";
    }

    @Override
    public void compute(double t, double psi, double s, double[] x, double[] f, double qNorm, int b, int dim,
                        double sigmaMax, double[] out, int outOffset) {
        out[outOffset] = t / sigmaMax;
        out[outOffset + 1] = psi / sigmaMax;
        out[outOffset + 2] = Math.log(s);
    }
}
