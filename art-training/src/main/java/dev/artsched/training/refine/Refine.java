package dev.artsched.training.refine;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Direct refinement of a grid (LD3-style): Adam on the monotone parameterisation of the interior sigmas minimises
 * the actual solver's global error at the actual N against a fine-grid reference, mean ||Phi_S(z) - x_ref||^2 / d
 * over minibatches drawn from a pool of training noises, with exact forward-mode gradients through the model's JVP (finite differences in the
 * parameters, same noises, without one). The best grid on held-out validation noises is kept, starting from the
 * best start grid, so the refined grid is never worse than its start on the validation set; it stops early after
 * {@code patience} iterations without a validation improvement. The result is the best of the refined grid and
 * every start on a third noise set, grown while their ranking is within noise ({@code Selection}).
 */
public final class Refine {
    private Refine() {
    }

    /** How the gradient is obtained. */
    public enum Gradient {
        /** The JVP when the model has one, else finite differences. */
        AUTO,
        /** Forward-mode sensitivities through the JVP. */
        JVP,
        /** Central finite differences in the parameters with common noises. */
        FINITE_DIFFERENCE
    }

    /**
     * Settings.
     *
     * @param trainNoises    training noises (>= 1; 0: by dimension, 262144 / d clamped to 64..8192)
     * @param validNoises    validation noises (>= 1; 0: as many as the training noises)
     * @param minibatch      training noises per gradient, drawn afresh each iteration (>= 1; at most the pool)
     * @param iterations     Adam iterations at most (>= 0)
     * @param learningRate   Adam's step on the logits (> 0)
     * @param patience       iterations without a validation improvement before stopping (>= 1)
     * @param referenceSteps Heun steps of the fine reference grid (>= 2)
     * @param gradient       the gradient source
     * @param fdBudget       denoiser calls finite differences may spend (>= 0)
     * @param seed           seed of the training and validation noises
     */
    public record Config(int trainNoises, int validNoises, int minibatch, int iterations, double learningRate,
                         int patience, int referenceSteps, Gradient gradient, long fdBudget, long seed) {
        /** Validates. */
        public Config {
            Objects.requireNonNull(gradient, "gradient");
            if (trainNoises < 0 || validNoises < 0 || minibatch < 1 || iterations < 0 || !(learningRate > 0) || patience < 1
                    || referenceSteps < 2 || fdBudget < 0) {
                throw new ArtException("refine needs >= 0 training and validation noises (0: by dimension), a "
                        + "minibatch >= 1, iterations >= 0, a learning rate > 0, patience >= 1, reference steps >= 2 "
                        + "and an FD budget >= 0, found " + trainNoises + ", " + validNoises + ", " + minibatch + ", "
                        + iterations + ", " + learningRate + ", " + patience
                        + ", " + referenceSteps + ", " + fdBudget);
            }
        }

        /**
         * Noises by dimension, minibatches of 64, 150 iterations, step 0.05, patience 30, a 256-step reference,
         * 2 M FD calls.
         */
        public static Config defaults(long seed) {
            return new Config(0, 0, 64, 150, 0.05, 30, 256, Gradient.AUTO, 2_000_000L, seed);
        }

        /** The training pool for dimension d. */
        int pool(int d) {
            return trainNoises > 0 ? trainNoises : Math.max(64, Math.min(8192, 262144 / d));
        }

        /** The validation noises for dimension d. */
        int valid(int d) {
            return validNoises > 0 ? validNoises : pool(d);
        }

        /** The same settings with another gradient source and FD budget. */
        public Config withGradient(Gradient value, long budget) {
            return new Config(trainNoises, validNoises, minibatch, iterations, learningRate, patience, referenceSteps,
                    value, budget, seed);
        }

        /** The same settings with other noise counts (0: by dimension) and minibatch. */
        public Config withNoises(int noises, int batch) {
            return new Config(noises, noises, batch, iterations, learningRate, patience, referenceSteps, gradient,
                    fdBudget, seed);
        }

        /** The same settings with other iteration limits. */
        public Config withIterations(int max, int patienceLimit) {
            return new Config(trainNoises, validNoises, minibatch, max, learningRate, patienceLimit, referenceSteps, gradient,
                    fdBudget, seed);
        }
    }

    /** A start grid and its label (the method that produced it). */
    public record Start(String label, double[] sigmas) {
        /** Validates and copies. */
        public Start {
            Objects.requireNonNull(label, "label");
            Schedule.validate(sigmas);
            sigmas = sigmas.clone();
        }
    }

    /** Iteration callback: iteration, maximum, training loss, validation loss, best validation loss. */
    public interface Listener {
        /** Called after every iteration. */
        void onIteration(int iteration, int iterations, double train, double valid, double best);
    }

    /**
     * The outcome.
     *
     * @param sigmas     the best of the refined grid and the starts on the selection noises
     * @param start      the start's label
     * @param startValid the start's validation loss
     * @param bestValid  the refined grid's validation loss (<= startValid)
     * @param calls      denoiser calls spent
     * @param training   provenance
     */
    public record Result(double[] sigmas, String start, double startValid, double bestValid, long calls,
                         Map<String, Object> training) {
        /** Copies. */
        public Result {
            sigmas = sigmas.clone();
            training = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(training));
        }
    }

    /** Refines the best of {@code starts} for {@code solver} on the model; grids keep sigma_{N-1} above floor. */
    public static Result run(DoubleDenoiser model, Solver solver, double floor, List<Start> starts, Config config,
                             Listener listener) {
        return run(model, solver, floor, starts, config, listener, null, false);
    }

    /**
     * The same, writing a checkpoint after every iteration to {@code checkpoint} (null: none) and, with
     * {@code resume} and an existing checkpoint, continuing from it.
     */
    public static Result run(DoubleDenoiser model, Solver solver, double floor, List<Start> starts, Config config,
                             Listener listener, java.nio.file.Path checkpoint, boolean resume) {
        if (starts == null || starts.isEmpty()) {
            throw new ArtException("refine needs at least one start grid, found none");
        }
        int steps = starts.get(0).sigmas().length - 1;
        double sigmaMax = starts.get(0).sigmas()[0];
        for (Start s : starts) {
            if (s.sigmas().length - 1 != steps || s.sigmas()[0] != sigmaMax) {
                throw new ArtException("every start grid needs N = " + steps + " steps from sigma_max = " + sigmaMax
                        + ", found '" + s.label() + "' with N = " + (s.sigmas().length - 1) + " from "
                        + s.sigmas()[0]);
            }
        }
        boolean useJvp = switch (config.gradient()) {
            case JVP -> {
                if (!model.hasJvp()) {
                    throw new ArtException("refine's JVP gradient needs a JVP graph or an analytic model; found a "
                            + "model without one");
                }
                yield true;
            }
            case FINITE_DIFFERENCE -> false;
            case AUTO -> model.hasJvp();
        };
        long fdPerIteration = 2L * steps * solver.nfe(steps);
        if (!useJvp && steps > 1 && config.iterations() > 0 && config.fdBudget() < fdPerIteration) {
            throw new ArtException("refine needs a JVP graph or a finite-difference budget: the model has no JVP in "
                    + "use and the FD budget of " + config.fdBudget() + " denoiser calls is below one gradient ("
                    + fdPerIteration + " calls)");
        }
        long calls0 = model.calls();
        long t0 = System.nanoTime();
        int d = model.dim();
        double[] ref = GridSolver.edmGrid(sigmaMax, floor, config.referenceSteps(), 7.0);
        int pool = config.pool(d);
        int nValid = config.valid(d);
        int batch = Math.min(config.minibatch(), pool);
        double[] zTrain = GridSolver.noise(config.seed() * 2 + 1, pool, d);
        double[] zValid = GridSolver.noise(config.seed() * 2 + 2, nValid, d);
        double[] refTrain = GridSolver.solve(model, Solver.HEUN, ref, zTrain, pool);
        double[] refValid = GridSolver.solve(model, Solver.HEUN, ref, zValid, nValid);
        dev.artsched.training.problem.Rng pick = new dev.artsched.training.problem.Rng(config.seed() * 2 + 3);
        double[] zb = new double[batch * d];
        double[] rb = new double[batch * d];
        Map<String, Double> startLosses = new LinkedHashMap<>();
        Start best = null;
        double bestValid = Double.POSITIVE_INFINITY;
        RefineState saved = resume && checkpoint != null && java.nio.file.Files.exists(checkpoint)
                ? RefineState.read(checkpoint, steps, solver.id(), config.seed()) : null;
        for (Start s : starts) {
            double v = saved != null ? saved.startLosses().getOrDefault(s.label(), Double.POSITIVE_INFINITY)
                    : valid(model, solver, s.sigmas(), zValid, refValid, nValid);
            startLosses.put(s.label(), v);
            if (v < bestValid || best == null) {
                bestValid = v;
                best = s;
            }
        }
        double startValid = bestValid;
        double[] bestSigmas = best.sigmas();
        MonotoneGrid grid = new MonotoneGrid(sigmaMax, floor);
        double[] a = grid.logits(bestSigmas);
        double[] m1 = new double[steps];
        double[] m2 = new double[steps];
        int since = 0;
        int it = 0;
        int bestIteration = 0;
        if (saved != null) {
            a = saved.a().clone();
            m1 = saved.m1().clone();
            m2 = saved.m2().clone();
            it = saved.iteration();
            since = saved.since();
            bestValid = saved.bestValid();
            bestSigmas = saved.bestSigmas().clone();
            bestIteration = saved.bestIteration();
            pick.setState(saved.pick());
        }
        String stop = "iterations";
        long fdCalls0 = model.calls();
        while (steps > 1 && it < config.iterations() && since < config.patience()) {
            if (!useJvp && model.calls() - fdCalls0 + fdPerIteration > config.fdBudget()) {
                stop = "fd-budget";
                break;
            }
            it++;
            double[] sig = grid.sigmas(a);
            for (int b = 0; b < batch; b++) {
                int i = batch == pool ? b : (int) (pick.nextDouble() * pool);
                System.arraycopy(zTrain, i * d, zb, b * d, d);
                System.arraycopy(refTrain, i * d, rb, b * d, d);
            }
            double[] ga;
            double train;
            if (useJvp) {
                double[] gs = new double[steps - 1];
                train = Sensitivities.lossAndGradient(model, solver, sig, zb, rb, batch, gs);
                ga = grid.chain(a, gs);
            } else {
                train = valid(model, solver, sig, zb, rb, batch);
                ga = finiteDifference(model, solver, grid, a, zb, rb, batch);
            }
            adam(a, ga, m1, m2, it, config.learningRate());
            double[] next = grid.sigmas(a);
            double v = isValid(next) ? valid(model, solver, next, zValid, refValid, nValid)
                    : Double.POSITIVE_INFINITY;
            if (v < bestValid) {
                bestValid = v;
                bestSigmas = next;
                bestIteration = it;
                since = 0;
            } else {
                since++;
            }
            if (checkpoint != null) {
                new RefineState(steps, solver.id(), config.seed(), best.label(), startValid, startLosses, a, m1, m2,
                        it, since, bestValid, bestSigmas, bestIteration, pick.state()).write(checkpoint);
            }
            if (listener != null) {
                listener.onIteration(it, config.iterations(), train, v, bestValid);
            }
            if (since >= config.patience()) {
                stop = "early-stopping";
                break;
            }
        }
        if (since >= config.patience()) {
            stop = "early-stopping";
        }
        List<double[]> candidates = new java.util.ArrayList<>();
        List<String> labels = new java.util.ArrayList<>();
        for (Start s : starts) {
            candidates.add(s.sigmas());
            labels.add(s.label());
        }
        candidates.add(bestSigmas);
        labels.add("refined");
        // noise counts set explicitly (image models, for cost) also bound the selection set
        int cap = config.trainNoises() > 0 || config.validNoises() > 0 ? nValid : Selection.cap(nValid, d);
        Selection.Outcome picked = Selection.pick(model, solver, candidates, ref, nValid, cap, config.seed() * 2 + 4);
        double[] chosen = candidates.get(picked.best());
        Map<String, Double> selection = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            selection.put(labels.get(c), Math.sqrt(picked.losses()[c]));
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("start", best.label());
        training.put("selected", labels.get(picked.best()));
        training.put("selection_noises", picked.noises());
        training.put("selection_rmse", selection);
        training.put("start_valid_losses", startLosses);
        training.put("start_sigmas", best.sigmas());
        training.put("gradient", useJvp ? "jvp" : "finite-difference");
        training.put("train_noises", pool);
        training.put("minibatch", batch);
        training.put("valid_noises", nValid);
        training.put("seed", config.seed());
        training.put("learning_rate", config.learningRate());
        training.put("iterations", it);
        training.put("best_iteration", bestIteration);
        training.put("resumed_from", saved == null ? 0 : saved.iteration());
        training.put("stop", stop);
        training.put("reference", String.format(Locale.ROOT, "heun on edm rho=7, %d steps to %s",
                config.referenceSteps(), floor));
        training.put("start_valid_rmse", Math.sqrt(startValid));
        training.put("valid_rmse", Math.sqrt(bestValid));
        training.put("denoiser_calls", model.calls() - calls0);
        training.put("wall_seconds", (System.nanoTime() - t0) * 1e-9);
        return new Result(chosen, best.label(), startValid, bestValid, model.calls() - calls0, training);
    }

    /** The loss of a grid on a noise set (forward solve only). */
    static double valid(DoubleDenoiser model, Solver solver, double[] sigmas, double[] z, double[] ref, int batch) {
        return GridSolver.loss(GridSolver.solve(model, solver, sigmas, z, batch), ref, model.dim());
    }

    private static boolean isValid(double[] s) {
        try {
            Schedule.validate(s);
            return true;
        } catch (ArtException e) {
            return false;
        }
    }

    private static double[] finiteDifference(DoubleDenoiser model, Solver solver, MonotoneGrid grid, double[] a,
                                             double[] z, double[] ref, int batch) {
        double eps = 1e-3;
        double[] g = new double[a.length];
        for (int m = 0; m < a.length; m++) {
            double[] ap = a.clone();
            double[] am = a.clone();
            ap[m] += eps;
            am[m] -= eps;
            double lp = valid(model, solver, grid.sigmas(ap), z, ref, batch);
            double lm = valid(model, solver, grid.sigmas(am), z, ref, batch);
            g[m] = (lp - lm) / (2 * eps);
        }
        return g;
    }

    private static void adam(double[] a, double[] g, double[] m1, double[] m2, int t, double lr) {
        double b1 = 0.9;
        double b2 = 0.999;
        for (int i = 0; i < a.length; i++) {
            m1[i] = b1 * m1[i] + (1 - b1) * g[i];
            m2[i] = b2 * m2[i] + (1 - b2) * g[i] * g[i];
            double mh = m1[i] / (1 - Math.pow(b1, t));
            double vh = m2[i] / (1 - Math.pow(b2, t));
            a[i] -= lr * mh / (Math.sqrt(vh) + 1e-12);
        }
    }
}
