package dev.artsched.training;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.GridSolver;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.refine.Refine;
import dev.artsched.training.run.TrainingListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The global-error grid methods behind the schedule-training service: the Heun closed form, GITS and refine, each
 * on the double-precision view of the model ({@link DoubleDenoiser}: exact for analytic models, the JVP graph
 * when one is given).
 */
final class GridMethods {
    private GridMethods() {
    }

    /** A grid and its provenance. */
    record Outcome(double[] sigmas, Map<String, Object> training) {
    }

    /** The model in double: analytic models exactly, ONNX models through their JVP graph when {@code jvp}. */
    static DoubleDenoiser model(DenoiserSource source, boolean jvp, Path jvpGraph) {
        if (source.analyticName().isPresent() && source.conditioned()) {
            DoubleDenoiser exact = DoubleDenoiser.withJvp(source.exactJvp().orElseThrow());
            return jvp ? exact : DoubleDenoiser.forwardOnly(exact.model());
        }
        if (source.analyticName().isPresent()) {
            DoubleDenoiser exact = DoubleDenoiser.withJvp(AnalyticModels.denoiser(source.analyticName().get()));
            return jvp ? exact : DoubleDenoiser.forwardOnly(exact.model());
        }
        if (jvp && jvpGraph != null) {
            if (!Files.isRegularFile(jvpGraph)) {
                throw new ArtException("the JVP graph must be an ONNX file, found '" + jvpGraph
                        + "' which is not a file");
            }
            return DoubleDenoiser.withJvp(source.withJvpGraph(jvpGraph));
        }
        return DoubleDenoiser.forwardOnly(source.denoiser());
    }

    /** ART's closed form (the Euler rule) from reference rollouts of the problem's flow. */
    static Outcome eulerClosedForm(ArtProblem problem, int rollouts, int fineSteps, int steps, long seed,
                                   TrainingListener listener) {
        long t0 = System.nanoTime();
        ReferenceRollouts ref = ReferenceRollouts.run(problem, rollouts, fineSteps, new Rng(seed),
                listener.rolloutProgress(fineSteps));
        double[] sigmas = ArtClosedForm.sigmas(ref, steps);
        Map<String, Object> training = new LinkedHashMap<>(problem.provenance());
        training.put("seed", seed);
        training.put("rollouts", rollouts);
        training.put("fine_steps", fineSteps);
        training.put("q_norm", problem.norm().id());
        training.put("jvp", problem.model().jvpStrategy());
        training.put("sigma_max", problem.sigmaMax());
        training.put("sigma_min", problem.sigmaMin());
        training.put("initial_state", problem.initial().describe());
        training.put("denoiser_calls", ref.calls());
        training.put("wall_seconds", (System.nanoTime() - t0) * 1e-9);
        return new Outcome(sigmas, training);
    }

    /** The Heun closed form. */
    static Outcome heunClosedForm(DoubleDenoiser model, double sigmaMax, double sigmaMin, int steps, int rollouts,
                                  long seed, TrainingListener listener) {
        long t0 = System.nanoTime();
        HeunClosedForm.Density density = HeunClosedForm.density(model, sigmaMax, sigmaMin, rollouts, 64, seed,
                k -> listener.onProgress("heun closed form probes", k, 64));
        Map<String, Object> training = new LinkedHashMap<>(HeunClosedForm.provenance(density, rollouts, seed));
        training.put("denoiser_calls", density.calls());
        training.put("wall_seconds", (System.nanoTime() - t0) * 1e-9);
        return new Outcome(HeunClosedForm.sigmas(density, steps), training);
    }

    /** The solver's closed form: ART's Euler rule, or the Heun rule for Heun (a refine start). */
    static double[] closedForm(Solver solver, ArtProblem problem, DenoiserSource source, int steps, int rollouts,
                               int fineSteps, long seed, TrainingListener l) {
        if (solver == Solver.HEUN) {
            return heunClosedForm(model(source, false, null), problem.sigmaMax(), problem.sigmaMin(), steps, rollouts,
                    seed, l).sigmas();
        }
        return ArtClosedForm.sigmas(ReferenceRollouts.run(problem, rollouts, fineSteps, new Rng(seed),
                l.rolloutProgress(fineSteps)), steps);
    }

    /**
     * The Heun density ART-RL's budget-exact clock prices Heun steps with (its prior is the Heun closed form), from
     * as many rollouts as its gamma_0 reference and its seed; null for Euler or the free clock.
     */
    static HeunClosedForm.Density artRlHeunDensity(Solver solver, dev.artsched.training.rl.ArtRlConfig config,
                                                   DenoiserSource source, ArtProblem p) {
        return solver == Solver.HEUN && config.budgetExact() ? HeunClosedForm.density(model(source, false, null),
                p.sigmaMax(), p.sigmaMin(), config.gammaRollouts(), 64, config.seed()) : null;
    }

    /** GITS. */
    static Outcome gits(DoubleDenoiser model, Solver solver, double sigmaMax, double sigmaMin, int steps,
                        Gits.Config config, TrainingListener listener) {
        return gits(model, solver, sigmaMax, sigmaMin, steps, config, listener, null, false);
    }

    /** GITS with a checkpoint after every cost row (null: none), resumed from it when asked. */
    static Outcome gits(DoubleDenoiser model, Solver solver, double sigmaMax, double sigmaMin, int steps,
                        Gits.Config config, TrainingListener listener, Path checkpoint, boolean resume) {
        int m = config.teacherSteps();
        Gits.Result r = Gits.search(model, solver, sigmaMax, sigmaMin, steps, config,
                i -> listener.onProgress("gits cost matrix", i, m), checkpoint, resume);
        Map<String, Object> training = new LinkedHashMap<>(r.training());
        if (checkpoint != null) {
            training.put("checkpoint", checkpoint.toString());
        }
        return new Outcome(r.sigmas(), training);
    }

    /**
     * Refine from {@code starts}, or when there are none from the best of Uniform, EDM, the solver's closed form
     * ({@code closedForm}) and GITS.
     */
    static Outcome refine(DoubleDenoiser model, Solver solver, double sigmaMax, double sigmaMin, int steps,
                          List<Refine.Start> starts, Refine.Config config, Gits.Config gits,
                          java.util.function.Supplier<double[]> closedForm, TrainingListener listener,
                          Path checkpoint, boolean resume) {
        long calls0 = model.calls();
        long t0 = System.nanoTime();
        List<Refine.Start> from = new ArrayList<>(starts);
        if (from.isEmpty()) {
            double[] uniform = new double[steps + 1];
            for (int k = 0; k < steps; k++) {
                uniform[k] = sigmaMax * (1 - (double) k / steps);
            }
            from.add(new Refine.Start("uniform", uniform));
            if (steps > 1) {
                from.add(new Refine.Start("edm", GridSolver.edmGrid(sigmaMax, sigmaMin, steps, 7.0)));
            }
            from.add(new Refine.Start("closed-form", closedForm.get()));
            if (steps <= gits.teacherSteps()) {
                from.add(new Refine.Start("gits", gits(model, solver, sigmaMax, sigmaMin, steps, gits, listener)
                        .sigmas()));
            }
        }
        Refine.Result r = Refine.run(model, solver, sigmaMin, from, config,
                (it, max, train, valid, best) -> listener.onProgress("refine", it, max), checkpoint, resume);
        Map<String, Object> training = new LinkedHashMap<>(r.training());
        training.put("checkpoint", String.valueOf(checkpoint));
        training.put("denoiser_calls", model.calls() - calls0);
        training.put("wall_seconds", (System.nanoTime() - t0) * 1e-9);
        return new Outcome(r.sigmas(), training);
    }
}
