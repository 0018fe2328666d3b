package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;

/**
 * How an action becomes the next sigma under an NFE budget: the decrement a of t is clamped to
 * [{@code minAction}, 1], t' = t(sigma) - a, and the step goes to sigma = 0 when t' <= 0 or when one more
 * non-final step would leave no evaluation for the final one (Euler: a step costs 1; Heun: 2, the final step into
 * sigma = 0 costs 1). So every sample ends at sigma = 0 within {@code budgetNfe} evaluations. Immutable.
 *
 * @param map       the t-sigma map
 * @param solver    the solver (fixes the cost of a step)
 * @param budgetNfe the NFE budget per sample, >= 1
 * @param minAction the smallest decrement of t, in (0, 1]
 */
public record StepRule(NoiseLevelMap map, Solver solver, int budgetNfe, double minAction) {
    /** The default smallest decrement of t. */
    public static final double MIN_ACTION = 1e-3;

    /** Validates. */
    public StepRule {
        if (map == null || solver == null) {
            throw new ArtException("a step rule needs a noise-level map and a solver");
        }
        if (budgetNfe < 1) {
            throw new ArtException("the NFE budget must be >= 1, found " + budgetNfe);
        }
        if (!(minAction > 0 && minAction <= 1)) {
            throw new ArtException("the smallest decrement of t must be in (0, 1], found " + minAction);
        }
    }

    /** The rule with the default smallest decrement. */
    public static StepRule of(NoiseLevelMap map, Solver solver, int budgetNfe) {
        return new StepRule(map, solver, budgetNfe, MIN_ACTION);
    }

    /** The largest number of steps a sample can take under the budget. */
    public int maxSteps() {
        return solver.maxSteps(budgetNfe);
    }

    /** Whether a sample that has spent {@code nfeUsed} must now take its final step to sigma = 0. */
    public boolean mustFinish(int nfeUsed) {
        int nonFinal = solver == Solver.EULER ? 1 : 2;
        return nfeUsed + nonFinal + 1 > budgetNfe;
    }

    /** The evaluations a step from a positive sigma to {@code next} costs. */
    public int cost(double next) {
        return solver == Solver.HEUN && next != 0.0 ? 2 : 1;
    }

    /** The clamped action: NaN is rejected, the rest is clamped to [minAction, 1]. */
    public double clamp(double action) {
        if (Double.isNaN(action)) {
            throw new ArtException("an adaptive policy proposed a decrement of NaN; expected a number in [0, 1]");
        }
        return Math.max(minAction, Math.min(1.0, action));
    }

    /**
     * The next sigma from {@code sigma} for the proposed decrement {@code action}, for a sample that has spent
     * {@code nfeUsed}: 0 when the budget or t' <= 0 says so, else sigma(t(sigma) - a), kept strictly below sigma.
     */
    public double next(double sigma, double action, int nfeUsed) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new ArtException("the current sigma must be finite and > 0, found " + sigma);
        }
        if (nfeUsed < 0 || nfeUsed >= budgetNfe) {
            throw new ArtException("a sample that has spent " + nfeUsed + " of " + budgetNfe
                    + " evaluations cannot step; expected fewer spent than the budget");
        }
        double a = clamp(action);
        if (mustFinish(nfeUsed)) {
            return 0.0;
        }
        double tNext = map.t(sigma) - a;
        double s = map.sigma(tNext);
        if (!(s > 0)) {
            return 0.0;
        }
        return s < sigma ? s : Math.nextDown(sigma);
    }
}
