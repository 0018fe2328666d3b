package dev.artsched.training.rl;

import dev.artsched.sampling.HeunLocalError;
import dev.artsched.training.nn.Adam;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.nn.DjlRuntime;
import dev.artsched.training.nn.Mlp;
import dev.artsched.training.nn.Optimiser;

import java.util.List;

/**
 * The actor-critic update of ART-RL: TD errors (or their Monte-Carlo sums) over one iteration's rollouts, and
 * one optimiser step per network on the stop-gradient pseudo-losses over the stacked [B*K, features] rows.
 */
final class ActorCriticUpdate {
    private final double t;
    private final int nf;
    private final HeunLocalError heun;

    /** {@code heun}: the Heun local-error step cost of the budget-exact clock, or null for the Euler cost. */
    ActorCriticUpdate(double sigmaMax, int featureSize, HeunLocalError heun) {
        this.t = sigmaMax;
        this.nf = featureSize;
        this.heun = heun;
    }

    /**
     * One Adam step per network on the stop-gradient pseudo-losses over the stacked [B*K, features] rows. With the
     * budget-exact clock the reward is the step cost |Q| theta^2 dt divided by {@code costScale} (no multiplier: the
     * budget is met by construction) and the actor's Gaussian is in log u with variance lambda.
     */
    Losses step(ArtRlConfig config, double lambda, Mlp actor, Mlp critic, Optimiser actorOpt,
                Optimiser criticOpt, double gamma, double costScale, Rollouts buf) {
        boolean exact = config.budgetExact();
        int k = config.trainSteps();
        int b = config.batch();
        int rows = b * k;
        double dt = t / k;
        int na = buf.arow.length / b;
        Losses losses;
        try (NDManager sub = critic.newSubManager();
             GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray in = sub.create(buf.feats, new Shape(rows, nf));
            NDArray v = critic.forward(in, true);
            double[] vv = v.toDoubleArray();
            double[] delta = new double[rows];
            double[] coef = new double[rows];
            double tdSum = 0;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < k; j++) {
                    int idx = i * k + j;
                    double th = buf.theta[idx];
                    double qc = !config.trapezoidCost() ? buf.qn[idx]
                            : 0.5 * (buf.qn[idx] + (j + 1 < k ? buf.qn[idx + 1] : buf.qEnd[i]));
                    double dl;
                    if (exact && heun != null) {
                        // the Heun local error of the executed step, from the Heun closed form's density
                        double from = t - buf.path[i * (k + 1) + j];
                        double to = j + 1 < k ? t - buf.path[i * (k + 1) + j + 1] : 0.0;
                        dl = (j + 1 < k ? vv[idx + 1] : 0.0) - vv[idx] - heun.step(from, to) / costScale;
                    } else if (exact) {
                        // |Q| at both ends of the step, averaged in sqrt |Q| (the density the closed form
                        // equidistributes): a long step from a calm point into a stiff one pays for the stiff end
                        double root = 0.5 * (Math.sqrt(buf.qn[idx]) + Math.sqrt(j + 1 < k ? buf.qn[idx + 1]
                                : buf.qEnd[i]));
                        double speed = buf.progress[idx];
                        dl = (j + 1 < k ? vv[idx + 1] : 0.0) - vv[idx] - root * root * speed * speed * dt / costScale;
                    } else {
                        double vk = vv[idx] + lambda * j * dt;
                        double vNext = j + 1 < k ? vv[idx + 1] + lambda * (j + 1) * dt : (gamma + lambda) * t;
                        double paid = config.realizedProgress() ? buf.progress[idx] : th;
                        dl = vNext - vk - gamma * paid * dt - qc * th * th * dt;
                    }
                    if (!Double.isFinite(dl)) {
                        throw new ArtException("a TD error became non-finite (" + dl + ") at clock step " + j
                                + " of rollout " + i + " (critic value " + vv[idx] + ", theta " + th + ", |Q| "
                                + buf.qn[idx] + "); expected finite values");
                    }
                    delta[idx] = dl;
                    tdSum += dl;
                }
                if (config.monteCarlo()) {
                    // G_k - V_k = sum_{j >= k} delta_j (the values in between telescope away)
                    double acc = 0;
                    for (int j = k - 1; j >= 0; j--) {
                        acc += delta[i * k + j];
                        delta[i * k + j] = acc;
                    }
                }
                for (int j = 0; j < k; j++) {
                    int idx = i * k + j;
                    coef[idx] = (exact ? 1.0 : Math.max(buf.qn[idx], config.eps())) / (2.0 * lambda) * delta[idx];
                }
            }
            double meanTd = tdSum / rows;
            NDArray criticLoss = v.mul(sub.create(delta)).sum().neg().div(b);
            NDArray ain = sub.create(buf.afeats, new Shape(rows, na));
            NDArray z = actor.forward(ain, true);
            NDArray head = exact ? z : switch (config.meanHead()) {
                case LINEAR -> z;
                case SOFTPLUS -> ai.djl.nn.Activation.softPlus(z);
                case EXP -> z.minimum(50.0).exp();
            };
            NDArray m = head.mul(sub.create(buf.prior));
            NDArray diff = sub.create(buf.theta).sub(m);
            NDArray actorLoss = diff.mul(diff).mul(sub.create(coef)).sum().div(b);
            gc.backward(criticLoss.add(actorLoss));
            losses = new Losses(criticLoss.getDouble(), actorLoss.getDouble(), meanTd);
        }
        List<NDArray> ap = actor.parameterArrays();
        List<NDArray> cp = critic.parameterArrays();
        actorOpt.step(ap);
        criticOpt.step(cp);
        zeroGradients(ap);
        zeroGradients(cp);
        return losses;
    }

    private static void zeroGradients(List<NDArray> params) {
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            g.subi(g);
            g.close();
        }
    }

    /** Pseudo-loss values of one update. */
    record Losses(double critic, double actor, double meanTd) {
    }
}
