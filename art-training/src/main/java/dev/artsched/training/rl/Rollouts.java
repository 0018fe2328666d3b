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
    
    }

    /** Rolls out B trajectories with the current actor, filling features, theta, means and |Q|. */
    void run(ArtRlConfig config, double lambda, SpeedPrior prior, Mlp actor, Rng rng) {
        Rollouts buf = this;
        int k = config.trainSteps();
        int b = config.batch();
        int d = problem.dim();
        int nf = features.size();
        int na = actorFeatures.size();
        double t = problem.sigmaMax();
        double dt = t / k;
        problem.initial().sample(rng, b, buf.x);
        java.util.Arrays.fill(buf.psi, 0.0);
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
                double theta = mi + Math.sqrt(lambda / qq) * rng.nextGaussian();
                double next = Math.min(Math.max(buf.psi[i] + theta * dt, 0.0), t);
                double inc = next - buf.psi[i];
                for (int j = i * d, e = j + d; j < e; j++) {
                    buf.x[j] += inc * buf.f[j];
                }
                buf.psi[i] = next;
                buf.mean[idx] = mi;
                buf.theta[idx] = theta;
                buf.progress[idx] = inc / dt;
            }
        }
        if (config.trapezoidCost()) {
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
}
