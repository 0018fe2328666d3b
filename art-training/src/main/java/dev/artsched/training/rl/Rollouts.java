package dev.artsched.training.rl;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.nn.Mlp;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.FeatureMap;
import dev.artsched.training.problem.Rng;

/**
 * One iteration's B rollouts of the exploratory policy on the uniform clock grid, and the work arrays they fill:
 * states, features of both networks, sampled speeds theta, actor means, |Q| and the realised progress of psi.
 */
final class Rollouts {
    private final ArtProblem problem;
    private final FeatureMap features;
    private final FeatureMap actorFeatures;
    final double[] x;
    final double[] f;
    final double[] q;
    final double[] sig;
    final double[] psi;
    final double[] row;
    final double[] feats;
    final double[] theta;
    final double[] mean;
    final double[] qn;
    final double[] arow;
    final double[] afeats;
    final double[] prior;
    final double[] progress;
    final double[] qEnd;
    /** Budget-exact clock: each rollout's position on the closed-form prior's clock. */
    final double[] tau;
    /** psi after each clock step, {@code b x (K + 1)}, for the greedy grid. */
    final double[] path;

    Rollouts(ArtProblem problem, FeatureMap features, FeatureMap actorFeatures, int b, int k) {
        this.problem = problem;
        this.features = features;
        this.actorFeatures = actorFeatures;
        int d = problem.dim();
        int nf = features.size();
        int na = actorFeatures.size();
        x = new double[b * d];
        f = new double[b * d];
        q = new double[b * d];
        sig = new double[b];
        psi = new double[b];
        row = new double[b * nf];
        feats = new double[b * k * nf];
        theta = new double[b * k];
        mean = new double[b * k];
        qn = new double[b * k];
        arow = new double[b * na];
        prior = new double[b * k];
        progress = new double[b * k];
        qEnd = new double[b];
        afeats = new double[b * k * na];
        tau = new double[b];
        path = new double[b * (k + 1)];
    }

    /**
     * Rolls out B trajectories with the current actor, filling features, actions, means and |Q|; with
     * {@code explore} false every action is the actor's mean (the greedy policy, no random draw but the initial
     * states).
     */
    void run(ArtRlConfig config, double lambda, SpeedPrior prior, Mlp actor, Rng rng, boolean explore) {
        Rollouts buf = this;
        int k = config.trainSteps();
        int b = config.batch();
        int d = problem.dim();
        int nf = features.size();
        int na = actorFeatures.size();
        double t = problem.sigmaMax();
        double dt = t / k;
        problem.initial().sample(rng, b, buf.x);
        if (config.budgetExact()) {
            // antithetic pairs: rollout 2j + 1 starts where rollout 2j does and explores with the opposite noise
            for (int i = 1; i < b; i += 2) {
                System.arraycopy(buf.x, (i - 1) * d, buf.x, i * d, d);
            }
        }
        java.util.Arrays.fill(buf.psi, 0.0);
        java.util.Arrays.fill(buf.tau, 0.0);
        double clockEnd = config.budgetExact() ? prior.clockAt(t) : 0;
        for (int step = 0; step < k; step++) {
            double clock = step * dt;
            for (int i = 0; i < b; i++) {
                buf.sig[i] = problem.queriedSigma(buf.psi[i]);
            }
            problem.model().evaluate(buf.x, buf.sig, b, buf.f, buf.q);
            for (int i = 0; i < b; i++) {
                double qn = problem.norm().apply(buf.q, i * d, d);
                buf.qn[i * k + step] = qn;
                features.compute(clock, buf.psi[i], buf.sig[i], buf.x, buf.f, qn, i, d, t, buf.row, i * nf);
                System.arraycopy(buf.row, i * nf, buf.feats, (i * k + step) * nf, nf);
                actorFeatures.compute(clock, buf.psi[i], buf.sig[i], buf.x, buf.f, qn, i, d, t, buf.arow, i * na);
                System.arraycopy(buf.arow, i * na, buf.afeats, (i * k + step) * na, na);
            }
            double[] m = actor.predict(buf.arow, b);
            if (config.budgetExact()) {
                exactStep(config, lambda, prior, m, rng, explore, step, clockEnd);
                continue;
            }
            for (int i = 0; i < b; i++) {
                double base = prior == null ? 1.0 : prior.secant(buf.psi[i], dt);
                buf.prior[i * k + step] = base;
                m[i] = base * config.meanHead().apply(m[i]);
            }
            for (int i = 0; i < b; i++) {
                double mi = m[i];
                if (!Double.isFinite(mi)) {
                    throw new ArtException("the actor network produced a non-finite mean (" + mi + ") at clock step "
                            + step + " for rollout " + i + "; expected finite outputs (diverged training)");
                }
                int idx = i * k + step;
                double qq = Math.max(buf.qn[idx], config.eps());
                double theta = explore ? mi + Math.sqrt(lambda / qq) * rng.nextGaussian() : mi;
                double next = Math.min(Math.max(buf.psi[i] + theta * dt, 0.0), t);
                double inc = next - buf.psi[i];
                for (int j = i * d, e = j + d; j < e; j++) {
                    buf.x[j] += inc * buf.f[j];
                }
                buf.psi[i] = next;
                buf.path[i * (k + 1) + step + 1] = next;
                buf.mean[idx] = mi;
                buf.theta[idx] = theta;
                buf.progress[idx] = inc / dt;
            }
        }
        if (config.trapezoidCost() || config.budgetExact()) {
            // |Q| at the final states: the right end of the last step's trapezoid
            for (int i = 0; i < b; i++) {
                buf.sig[i] = problem.queriedSigma(buf.psi[i]);
            }
            problem.model().evaluate(buf.x, buf.sig, b, buf.f, buf.q);
            for (int i = 0; i < b; i++) {
                buf.qEnd[i] = problem.norm().apply(buf.q, i * d, d);
            }
        }
    }

    /**
     * One step of the budget-exact clock: the actor's output is the mean of log u, u multiplies the uniform share
     * of the remaining prior clock, g = u / (u + steps left after this one), and the last step takes the rest, so
     * psi reaches T exactly; the state moves by the realised increment of psi. Rollouts come in antithetic pairs
     * (opposite exploration noise from the same initial state), which cancels most of the noise of the gradient.
     */
    private void exactStep(ArtRlConfig config, double lambda, SpeedPrior prior, double[] m, Rng rng, boolean explore,
                           int step, double clockEnd) {
        int k = config.trainSteps();
        int b = config.batch();
        int d = problem.dim();
        double t = problem.sigmaMax();
        double dt = t / k;
        double sd = Math.sqrt(lambda);
        double noise = 0;
        for (int i = 0; i < b; i++) {
            noise = i % 2 == 0 ? (explore ? rng.nextGaussian() : 0) : -noise;
            double mi = m[i];
            if (!Double.isFinite(mi)) {
                throw new ArtException("the actor network produced a non-finite mean (" + mi + ") at clock step "
                        + step + " for rollout " + i + "; expected finite outputs (diverged training)");
            }
            int idx = i * k + step;
            double a = mi + sd * noise;
            double next;
            if (step == k - 1) {
                tau[i] = clockEnd;
                next = t;
            } else {
                double u = Math.exp(Math.max(-50.0, Math.min(50.0, a)));
                tau[i] += (clockEnd - tau[i]) * (u / (u + (k - step - 1)));
                next = Math.min(Math.max(prior.psiAtClock(tau[i]), psi[i]), t);
            }
            double inc = next - psi[i];
            for (int j = i * d, e = j + d; j < e; j++) {
                x[j] += inc * f[j];
            }
            psi[i] = next;
            path[i * (k + 1) + step + 1] = next;
            mean[idx] = mi;
            theta[idx] = a;
            this.prior[idx] = 1.0;
            progress[idx] = inc / dt;
        }
    }
}
