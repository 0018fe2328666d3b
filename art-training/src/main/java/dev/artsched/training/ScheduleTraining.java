package dev.artsched.training;

import dev.artsched.eval.QualityGuard;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Resampling;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.ppo.PpoMethod;
import dev.artsched.training.refine.Refine;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.ArtRlResult;
import dev.artsched.training.rl.ArtRlTrainer;
import dev.artsched.training.run.TrainingListener;
import dev.artsched.training.run.TrainingRun;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The schedule-training service: a typed {@link Request} in, an {@code art-schedule/1} file out, for every grid
 * learner (ART-RL, ART closed form, GITS, refine). Opens the model, assembles the learner, runs it (ART-RL
 * with checkpoints, metrics and resume), records full provenance and writes the file atomically.
 */
public final class ScheduleTraining {
    /** Default reference rollouts of the closed form. */
    public static final int CLOSED_FORM_ROLLOUTS = 1024;
    /** Default steps of the fine reference grid. */
    public static final int FINE_STEPS = 1000;

    private ScheduleTraining() {
    }

    /** The grid learners. */
    public enum Method {
        /** The actor-critic of ART-RL, distilled into a grid. */
        ART_RL("art-rl", "art-rl"),
        /** The training-free ART closed form (for Heun the solver-aware rule). */
        CLOSED_FORM("closed-form", "art-closed-form"),
        /** GITS' dynamic programming over a fine teacher grid. */
        GITS("gits", "gits"),
        /** Direct minimisation of the solver's global error from the best start grid. */
        REFINE("refine", "refine"),
        /** The self-supervised PPO scheduler, distilled into a grid (its policy exported as an ONNX graph). */
        PPO("ppo", "ppo");

        private final String id;
        private final String fileMethod;

        Method(String id, String fileMethod) {
            this.id = id;
            this.fileMethod = fileMethod;
        }

        /** The method's short id ({@code art-rl}, {@code closed-form}, {@code gits}, {@code refine}). */
        public String id() {
            return id;
        }

        /** The {@code method} recorded in schedule files. */
        public String fileMethod() {
            return fileMethod;
        }

        /** Parses a method id, case-insensitively. */
        public static Method parse(String text) {
            for (Method m : values()) {
                if (text != null && m.id.equalsIgnoreCase(text.trim())) {
                    return m;
                }
            }
            throw new ArtException("unknown training method '" + ArtException.quote(String.valueOf(text))
                    + "': expected art-rl, closed-form, gits, refine or ppo");
        }
    }

    /**
     * What to train. Required settings come with {@link #request}; everything else has a default ({@code opt*}).
     */
    public static final class Request {
        private final String denoiser;
        private final int steps;
        private final Solver solver;
        private final Method method;
        private final Path out;
        private Path jvpGraph;
        private TrainingModules.JvpStrategy jvpStrategy;
        private String features = "auto";
        private String name;
        private long seed;
        private Integer rollouts;
        private int fineSteps = FINE_STEPS;
        private Double sigmaMax;
        private Double sigmaMin;
        private ArtRlConfig config;
        private Path checkpoint;
        private Path metrics;
        private boolean resume;
        private Gits.Config gits;
        private Refine.Config refine;
        private List<Refine.Start> starts = List.of();
        private boolean guard = true;
        private String owner;
        private boolean trustJvp;
        private DenoiserOptions denoiserOptions = DenoiserOptions.NONE;
        private PpoMethod.Settings ppo = new PpoMethod.Settings(null, null, null, null, null);

        private Request(String denoiser, int steps, Solver solver, Method method, Path out) {
            this.denoiser = Objects.requireNonNull(denoiser, "denoiser");
            this.solver = Objects.requireNonNull(solver, "solver");
            this.method = Objects.requireNonNull(method, "method");
            this.out = Objects.requireNonNull(out, "out");
            this.steps = Schedule.checkSteps(steps);
        }

        /** The model's exported JVP graph (ONNX models; without it finite differences are used). */
        public Request optJvpGraph(Path value) {
            jvpGraph = value;
            return this;
        }

        /** How Q is computed (default: the graph when one is given or the model is analytic, else fd). */
        public Request optJvpStrategy(TrainingModules.JvpStrategy value) {
            jvpStrategy = value;
            return this;
        }

        /** ART-RL's feature map: auto, t-x-psi or summary6 (default auto). */
        public Request optFeatures(String value) {
            features = Objects.requireNonNull(value, "features");
            return this;
        }

        /** The schedule's name (default METHOD-MODEL-SOLVER-N). */
        public Request optName(String value) {
            name = value;
            return this;
        }

        /** The closed form's seed (ART-RL takes its seed from its configuration). */
        public Request optSeed(long value) {
            seed = value;
            return this;
        }

        /** Reference rollouts (closed forms 1024, ART-RL's default prior 256) and fine-grid steps (default 1000). */
        public Request optReference(Integer rolloutCount, int fine) {
            if (fine < 1 || fine > Schedule.MAX_STEPS || (rolloutCount != null
                    && (rolloutCount < 1 || rolloutCount > ArtRlConfig.MAX_ROLLOUTS))) {
                throw new ArtException("the reference rollouts must be in [1, " + ArtRlConfig.MAX_ROLLOUTS
                        + "] and the fine steps in [1, " + Schedule.MAX_STEPS + "], found " + rolloutCount + " and "
                        + fine);
            }
            rollouts = rolloutCount;
            fineSteps = fine;
            return this;
        }

        /** T and the smallest queried sigma (null: the model's metadata, else 80 and 0.002). */
        public Request optSigmaRange(Double max, Double min) {
            sigmaMax = max;
            sigmaMin = min;
            return this;
        }

        /** ART-RL's settings (default {@link ArtRlConfig#robust(long)} with seed 0 and K = N). */
        public Request optArtRl(ArtRlConfig value) {
            config = value;
            return this;
        }

        /** ART-RL's checkpoint and metrics files (defaults: OUT.ckpt and OUT.metrics.jsonl; refine: the checkpoint). */
        public Request optRunFiles(Path checkpointFile, Path metricsFile) {
            checkpoint = checkpointFile;
            metrics = metricsFile;
            return this;
        }

        /** Continue an interrupted ART-RL or refine run from its checkpoint, if it exists. */
        public Request optResume(boolean value) {
            resume = value;
            return this;
        }

        /**
         * Whether to check the new grid against EDM and the closed form on held-out noises before writing it
         * ({@link QualityGuard}; default on).
         */
        public Request optGuard(boolean value) {
            guard = value;
            return this;
        }

        /** GITS' settings (default {@link Gits.Config#defaults} with the request's seed). */
        public Request optGits(Gits.Config value) {
            gits = value;
            return this;
        }

        /** Refine's settings (default {@link Refine.Config#defaults} with the request's seed). */
        public Request optRefine(Refine.Config value) {
            refine = value;
            return this;
        }

        /** Refine's start grids (default: the best of EDM, the closed form and GITS on its validation noises). */
        public Request optStarts(List<Refine.Start> value) {
            starts = List.copyOf(value);
            return this;
        }

        /** How this run names itself to a second run that finds its files locked (default: the process). */
        public Request optOwner(String value) {
            owner = value;
            return this;
        }

        /** Skip the check of the JVP graph against finite differences at load (default: check). */
        public Request optTrustJvp(boolean value) {
            trustJvp = value;
            return this;
        }

        /** How the model is opened: conditioning, guidance, parameterisation (default {@link DenoiserOptions#NONE}). */
        public Request optDenoiserOptions(DenoiserOptions value) {
            denoiserOptions = Objects.requireNonNull(value, "denoiserOptions");
            return this;
        }

        /** The PPO method's settings, real features, feature graph and policy output (default: all defaults). */
        public Request optPpo(PpoMethod.Settings value) {
            ppo = Objects.requireNonNull(value, "ppo");
            return this;
        }

        /** The JVP strategy in effect. */
        public TrainingModules.JvpStrategy jvpStrategy() {
            return jvpStrategy != null ? jvpStrategy
                    : jvpGraph != null || denoiser.startsWith("analytic:") ? TrainingModules.JvpStrategy.GRAPH
                    : TrainingModules.JvpStrategy.FINITE_DIFFERENCE;
        }

        /** ART-RL's settings in effect. */
        public ArtRlConfig artRl() {
            ArtRlConfig robust = ArtRlConfig.robust(0).withTrainSteps(steps);
            return config != null ? config : rollouts != null ? robust.withGammaReference(rollouts, fineSteps) : robust;
        }

        /** ART-RL's checkpoint file in effect. */
        public Path checkpoint() {
            return checkpoint != null ? checkpoint : ResumeFiles.sibling(out, ".ckpt");
        }

        /** ART-RL's metrics file in effect. */
        public Path metrics() {
            return metrics != null ? metrics : ResumeFiles.sibling(out, ".metrics.jsonl");
        }
    }

    /** A request for the required settings. */
    public static Request request(String denoiser, int steps, Solver solver, Method method, Path out) {
        return new Request(denoiser, steps, solver, method, out);
    }

    /**
     * The outcome.
     *
     * @param file  the schedule file written to {@code out}
     * @param out   where it was written
     * @param run   ART-RL's final gamma, iterations and the iteration it resumed from (empty for the closed form)
     * @param guard the held-out comparison made before writing, or null when it was switched off
     */
    public record Result(ScheduleFile file, Path out, Map<String, Object> run, QualityGuard guard) {
        /** Copies. */
        public Result {
            run = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(run));
        }
    }

    /** Trains, writes the schedule file and returns it; the listener sees every ART-RL iteration and notes. */
    public static Result train(Request r, TrainingListener listener) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        boolean resumable = r.method != Method.CLOSED_FORM;   // every learner but the closed form checkpoints
        Map<String, Path> outputs = RunFiles.outputs(r.out, resumable ? r.checkpoint() : null,
                r.method == Method.ART_RL ? r.metrics() : null);
        RunFiles.check(outputs, RunFiles.inputs(r.denoiser, r.jvpGraph));
        try (RunFiles locks = RunFiles.lock(outputs, r.owner)) {
            return trainLocked(r, l);
        }
    }

    private static Result trainLocked(Request r, TrainingListener l) {
        List<Module> modules = List.of(Modules.override(TrainingModules.standard(r.denoiser, r.jvpStrategy(),
                r.jvpGraph, r.trustJvp, r.sigmaMax, r.sigmaMin)).with(TrainingModules.features(r.features),
                TrainingModules.denoiser(r.denoiser, r.denoiserOptions)));
        Injector injector = TrainingModules.injector(modules);
        try (DenoiserSource source = TrainingModules.get(injector, DenoiserSource.class)) {
            ArtProblem problem = TrainingModules.get(injector, ArtProblem.class);
            String model = String.valueOf(problem.provenance().getOrDefault("model", "model"))
                    .replaceAll("^analytic:", "").replaceAll("[^A-Za-z0-9._-]", "-");
            String schedName = r.name != null ? r.name : r.method.id() + "-" + model + "-" + r.solver.id() + "-" + r.steps;
            double[] sigmas;
            double[] learnedClosedForm = null;
            Map<String, Object> training;
            Map<String, Object> run = new LinkedHashMap<>();
            int rollouts = r.rollouts != null ? r.rollouts : CLOSED_FORM_ROLLOUTS;
            java.util.function.Supplier<double[]> closedForm = () -> GridMethods.closedForm(r.solver, problem,
                    source, r.steps, rollouts, r.fineSteps, r.seed, l);
            if (r.method == Method.CLOSED_FORM) {
                boolean heun = r.solver == Solver.HEUN;
                GridMethods.Outcome o = heun ? GridMethods.heunClosedForm(GridMethods.model(source, false, null),
                        problem.sigmaMax(), problem.sigmaMin(), r.steps, rollouts, r.seed, l)
                        : GridMethods.eulerClosedForm(problem, rollouts, r.fineSteps, r.steps, r.seed, l);
                sigmas = o.sigmas();
                training = heun ? withProblem(problem, o.training()) : o.training();
            } else if (r.method == Method.GITS || r.method == Method.REFINE) {
                Gits.Config gits = r.gits != null ? r.gits : Gits.Config.defaults(r.seed);
                boolean jvp = r.jvpStrategy() == TrainingModules.JvpStrategy.GRAPH;
                Path ck = ResumeFiles.prepareCheckpoint(r.resume, r.checkpoint(), r.out, l);
                GridMethods.Outcome o = r.method == Method.GITS
                        ? GridMethods.gits(GridMethods.model(source, false, null), r.solver, problem.sigmaMax(),
                        problem.sigmaMin(), r.steps, gits, l, ck, r.resume)
                        : GridMethods.refine(GridMethods.model(source, jvp, r.jvpGraph), r.solver, problem.sigmaMax(),
                        problem.sigmaMin(), r.steps, r.starts, r.refine != null ? r.refine
                                : Refine.Config.defaults(r.seed), gits, closedForm, l, ck, r.resume);
                sigmas = o.sigmas();
                training = withProblem(problem, o.training());
            } else if (r.method == Method.PPO) {
                PpoMethod.Outcome o = PpoMethod.train(source.denoiser(), source.analyticName(), problem.sigmaMax(),
                        problem.sigmaMin(), r.solver, r.steps, r.ppo, r.out, ResumeFiles.prepareCheckpoint(r.resume,
                                r.checkpoint(), r.out, l), r.resume, l);
                sigmas = o.sigmas();
                training = withProblem(problem, o.training());
            } else {
                ArtRlConfig config = r.artRl();
                int k = config.trainSteps();
                Path ck = r.checkpoint();
                Path met = r.metrics();
                ResumeFiles.prepareArtRl(r.resume, ck, met, r.out, l);
                ArtRlTrainer trainer = TrainingModules.get(injector, ArtRlTrainer.class);
                ArtRlResult result = trainer.train(config, new TrainingRun(ck, r.resume, met, l),
                        GridMethods.artRlHeunDensity(r.solver, config, source, problem));
                sigmas = k == r.steps ? result.sigmas() : Resampling.timeMap(result.sigmas(), r.steps);
                double[] cf = result.convergence().closedFormGrid();
                learnedClosedForm = k == r.steps ? cf : Resampling.timeMap(cf, r.steps);
                training = new LinkedHashMap<>(result.training());
                training.put("train_steps", k);
                training.put("resample", k == r.steps ? "none" : "time-map");
                training.put("trained_sigmas", result.sigmas());
                training.put("checkpoint", ck.toString());
                training.put("metrics", met.toString());
                run.put("final_gamma", result.finalGamma());
                run.put("iterations", result.iterations());
                run.put("resumed_from", result.resumedFrom());
            }
            training.put("solver", r.solver.id());
            QualityGuard guard = null;
            if (r.guard) {
                // the closed form a learner must beat: ART-RL's own (Euler rule) or the solver's closed form
                double[] rival = r.method == Method.CLOSED_FORM ? null
                        : learnedClosedForm != null && r.solver == Solver.EULER ? learnedClosedForm
                        : closedForm.get();
                guard = QualityGuard.check(source.denoiser(), new Schedule(schedName, sigmas, r.method.id()),
                        r.solver, rival);
                training.put("guard", guard.describe());
            }
            ScheduleFile file = new ScheduleFile(schedName, sigmas, r.solver, problem.sigmaMin(), problem.sigmaMax(),
                    r.method.fileMethod(), training, Map.of());
            file.write(r.out);
            return new Result(file, r.out, run, guard);
        }
    }

    /** The problem's provenance and range, then {@code extra}. */
    private static Map<String, Object> withProblem(ArtProblem problem, Map<String, Object> extra) {
        Map<String, Object> training = new LinkedHashMap<>(problem.provenance());
        training.put("sigma_max", problem.sigmaMax());
        training.put("sigma_min", problem.sigmaMin());
        training.putAll(extra);
        return training;
    }

    /** The grid as printed in one-line summaries: {@code [80.0000, 12.3400, ..., 0.0000]}. */
    public static String format(double[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", s[i]));
        }
        return b.append(']').toString();
    }
}
