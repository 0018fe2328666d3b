package dev.artsched.training.rl;

import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The convergence diagnostics of an ART-RL run: the budget error of the executed clock, the drift of the greedy
 * grid over the last tenth of training, and the ART objective of the final grid next to the closed form's on
 * held-out rollouts (docs/MATH.md section 2: the expected cost sum_k |Q_k| theta_k^2 dt along Euler paths on the
 * grid, divided by the same cost scale for both). A run converged when the drift is at most {@link #MAX_DRIFT}
 * and its objective at most {@link #MAX_RATIO} times the closed form's.
 *
 * @param budgetError     mean over the last iteration's rollouts of sum_k theta_k dt - T, relative to T
 * @param drift           max_k |log sigma_k - log sigma'_k| between the greedy grids at 90% and at the end (NaN
 *                        when no snapshot exists, e.g. a free clock)
 * @param objective       the final grid's ART objective (or, with the budget-exact clock, the solver's error from
 *                        the prior gate) on held-out rollouts
 * @param closedForm      the closed-form grid's on the same rollouts
 * @param closedFormGrid  the closed-form grid at the run's K, the one compared
 * @param measure         what objective and closedForm measure, e.g. "ART objective"
 * @param rollouts        the held-out rollouts they were measured on
 */
public record Convergence(double budgetError, double drift, double objective, double closedForm,
                          double[] closedFormGrid, String measure, int rollouts) {
    /** Largest grid drift over the last tenth (in log sigma) of a converged run. */
    public static final double MAX_DRIFT = 0.05;
    /** Largest ratio of the objective to the closed form's of a converged run. */
    public static final double MAX_RATIO = 1.05;
    /** Held-out rollouts of the objective. */
    public static final int ROLLOUTS = 64;

    /** Copies. */
    public Convergence {
        closedFormGrid = closedFormGrid.clone();
    }

    /** Diagnostics measured by the ART objective on {@link #ROLLOUTS} rollouts. */
    public Convergence(double budgetError, double drift, double objective, double closedForm,
                       double[] closedFormGrid) {
        this(budgetError, drift, objective, closedForm, closedFormGrid, "ART objective", ROLLOUTS);
    }

    /** A copy of the closed-form grid at the run's K. */
    @Override
    public double[] closedFormGrid() {
        return closedFormGrid.clone();
    }

    /** Whether the run settled. */
    public boolean converged() {
        return !(drift > MAX_DRIFT) && !(objective > MAX_RATIO * closedForm) && Math.abs(budgetError) <= 0.01;
    }

    /** The ratio of the objective to the closed form's. */
    public double ratio() {
        return objective / closedForm;
    }

    /** One line for the user, e.g. "ART-RL converged: budget error 0.0%, grid drift 0.8%, objective 0.99x ...". */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "ART-RL %s: budget error %.1f%%, grid drift over the last tenth "
                + "%s, %s %.3fx the closed form's on %d held-out rollouts",
                converged() ? "converged" : "did not converge", 100 * budgetError,
                Double.isNaN(drift) ? "not measured" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * drift),
                measure, ratio(), rollouts);
    }

    /** The diagnostics as a provenance map. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget_error", budgetError);
        if (!Double.isNaN(drift)) {
            m.put("grid_drift_last_tenth", drift);
        }
        String key = measure.replaceAll("[^A-Za-z]+", "_").toLowerCase(java.util.Locale.ROOT);
        m.put(key, objective);
        m.put("closed_form_" + key, closedForm);
        m.put("objective_ratio", ratio());
        m.put("rollouts", rollouts);
        m.put("converged", converged());
        return m;
    }

    /** max_k |log sigma_k - log other_k| over the positive sigmas of two grids of the same length. */
    static double drift(double[] sigmas, double[] other) {
        double max = 0;
        for (int k = 0; k < sigmas.length; k++) {
            if (sigmas[k] > 0 && other[k] > 0) {
                max = Math.max(max, Math.abs(Math.log(sigmas[k] / other[k])));
            }
        }
        return max;
    }

    /**
     * The ART objective of a grid on {@code rollouts} initial states drawn from {@code seed}: the mean over the
     * Euler paths along the grid of sum_k qbar_k theta_k^2 dt with theta_k = (psi_{k+1} - psi_k) / dt, dt = T / K
     * and qbar_k the square of the mean of sqrt |Q| at the step's two ends, divided by {@code costScale}.
     */
    static double objective(ArtProblem problem, double[] sigmas, int rollouts, long seed, double costScale) {
        int k = sigmas.length - 1;
        int d = problem.dim();
        double t = problem.sigmaMax();
        double dt = t / k;
        double[] x = new double[rollouts * d];
        double[] f = new double[rollouts * d];
        double[] q = new double[rollouts * d];
        double[] sig = new double[rollouts];
        problem.initial().sample(new Rng(seed), rollouts, x);
        double total = 0;
        double[] root = new double[rollouts];
        for (int step = 0; step <= k; step++) {
            java.util.Arrays.fill(sig, problem.queriedSigma(t - sigmas[step]));
            problem.model().evaluate(x, sig, rollouts, f, q);
            double inc = step < k ? sigmas[step] - sigmas[step + 1] : 0;
            for (int i = 0; i < rollouts; i++) {
                double r = Math.sqrt(problem.norm().apply(q, i * d, d));
                if (step > 0) {
                    double prevInc = sigmas[step - 1] - sigmas[step];
                    double mid = 0.5 * (root[i] + r);
                    total += mid * mid * prevInc * prevInc / dt;
                }
                root[i] = r;
                for (int j = i * d, e = j + d; j < e; j++) {
                    x[j] += inc * f[j];
                }
            }
        }
        return total / rollouts / costScale;
    }

    /** The convergence diagnostics of a finished run, on held-out rollouts. */
    static Convergence diagnose(ArtProblem problem, ArtRlConfig config, double[] closed, double costScale,
                                PriorGate gate, double[] sigmas, double[] learned, double[] snapshot, Rollouts buf) {
        int k = config.trainSteps();
        int b = config.batch();
        double t = problem.sigmaMax();
        double budget = 0;
        for (int i = 0; i < b; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += (config.budgetExact() ? buf.progress[i * k + j] : buf.theta[i * k + j]) * t / k;
            }
            budget += (s - t) / t;
        }
        double drift = snapshot == null ? Double.NaN : drift(learned != null ? learned : sigmas, snapshot);
        if (gate != null) {
            return new Convergence(budget / b, drift, gate.kept(), gate.errors()[0], closed,
                    "held-out solver error", gate.rollouts());
        }
        long seed = config.seed() ^ 0x632BE59BD9B4E019L;
        return new Convergence(budget / b, drift, objective(problem, sigmas, ROLLOUTS, seed, costScale),
                objective(problem, closed, ROLLOUTS, seed, costScale), closed);
    }
}
