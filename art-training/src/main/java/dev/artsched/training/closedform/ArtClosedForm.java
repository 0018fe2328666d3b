package dev.artsched.training.closedform;

import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.scheduler.ArtException;

/**
 * The training-free ART optimum over fixed grids (docs/MATH.md section 2.1): with |Q| averaged over trajectories at
 * each physical time, the best clock speed is theta* proportional to (E|Q|)^(-1/2), i.e. the grid points sit at
 * equal quantiles of the cumulative integral of sqrt(mean |Q|) over psi.
 */
public final class ArtClosedForm {
    /** Floor on mean |Q| so the cumulative integral stays strictly increasing. */
    public static final double EPS = 1e-6;

    private ArtClosedForm() {
    }

    /**
     * The N-step grid from reference rollouts.
     *
     * @param rollouts mean |Q| on a fine grid
     * @param steps    N >= 1
     * @return N + 1 sigmas from T down to 0
     */
    public static double[] sigmas(ReferenceRollouts rollouts, int steps) {
        if (steps < 1) {
            throw new ArtException("steps must be >= 1, found " + steps);
        }
        double[] psi = rollouts.psi();
        double[] q = rollouts.meanQ();
        int n = psi.length - 1;
        double[] cum = new double[n + 1];
        for (int k = 1; k <= n; k++) {
            double a = Math.sqrt(Math.max(q[k - 1], EPS));
            double b = Math.sqrt(Math.max(q[k], EPS));
            cum[k] = cum[k - 1] + 0.5 * (a + b) * (psi[k] - psi[k - 1]);
        }
        double t = rollouts.sigmaMax();
        double[] out = new double[steps + 1];
        out[0] = t;
        int k = 0;
        for (int j = 1; j < steps; j++) {
            double target = cum[n] * j / steps;
            while (k < n - 1 && cum[k + 1] < target) {
                k++;
            }
            double w = (target - cum[k]) / (cum[k + 1] - cum[k]);
            double p = psi[k] + w * (psi[k + 1] - psi[k]);
            out[j] = t - p;
        }
        out[steps] = 0.0;
        dev.artsched.scheduler.Schedule.validate(out);
        return out;
    }

    /** Runs {@code trajectories} reference rollouts on {@code fineSteps} and returns the N-step grid. */
    public static double[] sigmas(ArtProblem problem, int steps, int trajectories, int fineSteps, long seed) {
        return sigmas(ReferenceRollouts.run(problem, trajectories, fineSteps, new Rng(seed)), steps);
    }
}
