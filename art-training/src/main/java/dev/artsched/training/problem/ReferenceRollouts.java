package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;

/**
 * M trajectories of the flow integrated by Euler on a fine grid in physical time psi (docs/MATH.md 2.1 and the
 * gamma_0 rule of section 3), recording |Q| at every grid node. It provides the mean |Q| per physical time (for
 * the closed form) and the initial Lagrange multiplier
 * gamma_0 = -(2/T) mean_i[ sqrt|Q_i(T)| integral_0^T sqrt|Q_i| dpsi ].
 *
 * @param sigmaMax   T
 * @param psi        the fine grid nodes, psi_0 = 0 .. psi_n = T
 * @param meanQ      mean over trajectories of |Q| at each node
 * @param gamma0     the initial multiplier (< 0 unless Q vanishes)
 * @param trajectories M
 * @param calls      model calls spent
 */
public record ReferenceRollouts(double sigmaMax, double[] psi, double[] meanQ, double gamma0, int trajectories,
                                long calls) {

    /** Copies arrays. */
    public ReferenceRollouts {
        psi = psi.clone();
        meanQ = meanQ.clone();
    }

    @Override
    public double[] psi() {
        return psi.clone();
    }

    @Override
    public double[] meanQ() {
        return meanQ.clone();
    }

    /** Karras exponent of the fine reference grid. */
    public static final double FINE_GRID_RHO = 7.0;

    /**
     * Rolls out {@code trajectories} states from the problem's initial distribution on a fine grid of
     * {@code fineSteps} steps: sigma_k = T (1 - k/n)^7, the EDM spacing ending at 0 (psi_k = T - sigma_k). A uniform
     * grid in psi cannot resolve small sigmas when T is large (T = 80: 1000 uniform steps leave one node below
     * sigma = 0.08, where |Q| changes most); the EDM spacing puts a third of the nodes below sigma = 1 at any T.
     */
    public static ReferenceRollouts run(ArtProblem problem, int trajectories, int fineSteps, Rng rng) {
        return run(problem, trajectories, fineSteps, rng, null);
    }

    /**
     * As {@link #run(ArtProblem, int, int, Rng)}, reporting the fine-grid points done (of {@code fineSteps + 1}) to
     * {@code progress} (null: none).
     */
    public static ReferenceRollouts run(ArtProblem problem, int trajectories, int fineSteps, Rng rng,
                                        java.util.function.IntConsumer progress) {
        if (trajectories < 1) {
            throw new ArtException("reference rollouts need >= 1 trajectory, found " + trajectories);
        }
        if (fineSteps < 2) {
            throw new ArtException("the fine reference grid needs >= 2 steps, found " + fineSteps);
        }
        FlowModel model = problem.model();
        int d = problem.dim();
        int m = trajectories;
        double t = problem.sigmaMax();
        long calls0 = model.calls();
        double[] x = new double[m * d];
        problem.initial().sample(rng, m, x);
        double[] f = new double[m * d];
        double[] q = new double[m * d];
        double[] sig = new double[m];
        double[] psi = new double[fineSteps + 1];
        double[] meanQ = new double[fineSteps + 1];
        double[] integral = new double[m];
        double[] prevRoot = new double[m];
        double[] lastQ = new double[m];
        for (int k = 0; k <= fineSteps; k++) {
            psi[k] = k == fineSteps ? t : t - t * Math.pow(1.0 - (double) k / fineSteps, FINE_GRID_RHO);
        }
        for (int k = 0; k <= fineSteps; k++) {
            double h = k < fineSteps ? psi[k + 1] - psi[k] : 0.0;
            double hPrev = k > 0 ? psi[k] - psi[k - 1] : 0.0;
            java.util.Arrays.fill(sig, problem.queriedSigma(psi[k]));
            model.evaluate(x, sig, m, f, q);
            double sum = 0;
            for (int b = 0; b < m; b++) {
                double qn = problem.norm().apply(q, b * d, d);
                sum += qn;
                double root = Math.sqrt(qn);
                if (k > 0) {
                    integral[b] += 0.5 * hPrev * (root + prevRoot[b]);
                }
                prevRoot[b] = root;
                lastQ[b] = qn;
            }
            meanQ[k] = sum / m;
            if (progress != null) {
                progress.accept(k + 1);
            }
            if (k < fineSteps) {
                for (int j = 0; j < m * d; j++) {
                    x[j] += h * f[j];
                }
            }
        }
        double acc = 0;
        for (int b = 0; b < m; b++) {
            acc += Math.sqrt(lastQ[b]) * integral[b];
        }
        double gamma0 = -(2.0 / t) * acc / m;
        return new ReferenceRollouts(t, psi, meanQ, gamma0, m, model.calls() - calls0);
    }

    /**
     * The scale c = (1/T) integral_0^T sqrt(mean |Q|) dpsi (trapezoid rule on the fine grid). The time-only ART
     * optimum is theta* = c / sqrt(mean |Q|) (Cauchy-Schwarz with the budget integral dpsi / theta = T), so c sets
     * the exploration level of a relative lambda.
     */
    public double rootScale() {
        double acc = 0;
        for (int k = 1; k < psi.length; k++) {
            acc += 0.5 * (psi[k] - psi[k - 1]) * (Math.sqrt(meanQ[k]) + Math.sqrt(meanQ[k - 1]));
        }
        return acc / sigmaMax;
    }
}
