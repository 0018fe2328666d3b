package dev.artsched.training.rl;

import dev.artsched.scheduler.Schedule;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prior gate that ends a budget-exact ART-RL run: the grids psi_w = (1 - w) psi_prior + w psi_learned for the
 * {@link #WEIGHTS} are solved with the run's solver (Heun for a Heun cost, else Euler) from at most
 * {@link #ROLLOUTS} held-out initial states (no more than the run's reference rollouts) that neither training nor the diagnostics use, and scored by the RMS distance of the end
 * states to an accurate solution ({@link Convergence#reference}); a blend is kept only when it beats the prior's
 * grid by more than {@link #MARGIN}. The prior's grid is the closed form, so the result is never measurably worse
 * than it on these rollouts. ART's cost is a proxy of the solver's error: grids that lower it can lose to the
 * closed form in the solver's error (docs/BENCHMARKS.md).
 *
 * @param sigmas the grid kept
 * @param weight the weight w of the learned grid in it
 * @param errors   each candidate's error, in the order of {@link #WEIGHTS}
 * @param rollouts the held-out rollouts they were measured on
 */
record PriorGate(double[] sigmas, double weight, double[] errors, int rollouts) {
    /** Weights of the learned grid tried (0: the prior's grid, 1: the learned one). */
    static final double[] WEIGHTS = {0.0, 0.25, 0.5, 0.75, 1.0};
    /** Held-out rollouts. */
    static final int ROLLOUTS = 128;
    /** The relative improvement over the prior's grid a blend needs to be kept. */
    static final double MARGIN = 0.01;

    /** Scores the blends of {@code closed} and {@code learned} and keeps the best (the prior's unless beaten). */
    static PriorGate choose(ArtProblem problem, double[] closed, double[] learned, boolean heun, int rollouts,
                            long seed) {
        double t = problem.sigmaMax();
        int n = rollouts;
        double[] x0 = new double[n * problem.dim()];
        problem.initial().sample(new Rng(seed), n, x0);
        double[] ref = HeldOutSolves.reference(problem, x0, n);
        double[] errors = new double[WEIGHTS.length];
        double[] best = closed;
        int bestAt = 0;
        for (int g = 0; g < WEIGHTS.length; g++) {
            double w = WEIGHTS[g];
            double[] grid = new double[closed.length];
            for (int j = 0; j < grid.length; j++) {
                grid[j] = (1 - w) * closed[j] + w * learned[j];
            }
            grid[0] = t;
            grid[grid.length - 1] = 0.0;
            double[] x = x0.clone();
            HeldOutSolves.solve(problem, grid, heun, x, n);
            errors[g] = HeldOutSolves.rmse(x, ref, n);
            if (errors[g] < errors[bestAt] && errors[g] < (1 - MARGIN) * errors[0]) {
                bestAt = g;
                best = grid;
            }
        }
        Schedule.validate(best);
        return new PriorGate(best, WEIGHTS[bestAt], errors, n);
    }

    /** The prior's u = 1 path at K steps from T: the closed-form grid. */
    static double[] priorGrid(SpeedPrior prior, double t, int k) {
        double[] closed = new double[k + 1];
        double end = prior.clockAt(t);
        closed[0] = t;
        for (int step = 1; step < k; step++) {
            closed[step] = t - prior.psiAtClock(end * step / k);
        }
        return closed;
    }

    /** The kept grid's error. */
    double kept() {
        return errors[(int) Math.round(weight * (WEIGHTS.length - 1))];
    }

    /** The choice as provenance. */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("learned_weight", weight);
        m.put("weights", WEIGHTS.clone());
        m.put("held_out_rmse", errors.clone());
        m.put("rollouts", rollouts);
        m.put("reference_steps", HeldOutSolves.GATE_REFERENCE_STEPS);
        m.put("margin", MARGIN);
        return m;
    }
}
