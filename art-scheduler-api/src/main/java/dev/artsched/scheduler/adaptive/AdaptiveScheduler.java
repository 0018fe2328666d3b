package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;

/**
 * The per-sample counterpart of {@link dev.artsched.scheduler.TimestepScheduler}: a host loop asks it for each
 * sample's next sigma from the current sample. The {@link AdaptivePolicy} proposes decrements of t and the
 * {@link StepRule} turns them into sigmas that are strictly decreasing, end at sigma = 0 and never exceed the NFE
 * budget. Sampling starts at {@link #firstSigma()}. Immutable and thread-safe when its policy is.
 */
public final class AdaptiveScheduler {
    private final AdaptivePolicy policy;
    private final StepRule rule;

    /**
     * @param policy    the policy
     * @param solver    the host's solver
     * @param budgetNfe the NFE budget per sample
     */
    public AdaptiveScheduler(AdaptivePolicy policy, Solver solver, int budgetNfe) {
        if (policy == null) {
            throw new ArtException("an adaptive scheduler needs a policy");
        }
        this.policy = policy;
        this.rule = StepRule.of(policy.map(), solver, budgetNfe);
    }

    /** The policy's name. */
    public String name() {
        return policy.name();
    }

    /** The policy. */
    public AdaptivePolicy policy() {
        return policy;
    }

    /** The step rule (map, solver, budget). */
    public StepRule rule() {
        return rule;
    }

    /** The sigma sampling starts at (the map's sigma_max). */
    public double firstSigma() {
        return rule.map().sigmaMax();
    }

    /**
     * Writes each sample's next sigma.
     *
     * @param x       {@code batch * sampleSize} current samples
     * @param sigma   {@code batch} current sigmas (> 0)
     * @param step    {@code batch} step indices
     * @param nfeUsed {@code batch} evaluations spent so far (below the budget)
     * @param batch   number of samples, >= 1
     * @param next    receives {@code batch} next sigmas: 0 <= next < sigma
     */
    public void next(float[] x, double[] sigma, int[] step, int[] nfeUsed, int batch, double[] next) {
        if (x == null || sigma == null || step == null || nfeUsed == null || next == null || batch < 1
                || sigma.length < batch || step.length < batch || nfeUsed.length < batch || next.length < batch
                || x.length % batch != 0) {
            throw new ArtException("an adaptive scheduler expected a batch >= 1 with x of batch * sampleSize floats "
                    + "and batch sigmas, steps, NFE counts and outputs, found batch " + batch);
        }
        int per = x.length / batch;
        if (policy.sampleSize() >= 0 && policy.sampleSize() != per) {
            throw new ArtException("adaptive policy " + policy.name() + " expected samples of "
                    + policy.sampleSize() + " floats, found " + per);
        }
        double[] a = new double[batch];
        policy.decrements(x, sigma, step, batch, a);
        for (int i = 0; i < batch; i++) {
            next[i] = rule.next(sigma[i], a[i], nfeUsed[i]);
        }
    }
}
