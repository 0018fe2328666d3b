package dev.artsched.training.compare;

import dev.artsched.eval.EvalReport;
import dev.artsched.eval.EvalRunner;
import dev.artsched.eval.Evaluation;
import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.GaussianStats;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.DenoiserSource;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.training.ScheduleTraining.Method;
import dev.artsched.training.refine.Refine;
import dev.artsched.training.run.TrainingListener;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The comparison service: trains the chosen methods (through {@link ScheduleTraining}) for one solver at each N on
 * one model, evaluates them with Uniform, EDM and any extra spec on the same held-out noises (seeded apart from
 * every learner's), ranks them per N and writes {@code compare.json}, the plots and the winning grid per N as a
 * schedule file whose provenance names the method and the table.
 */
public final class Comparison {
    /** The methods compared by default. */
    public static final List<Method> DEFAULT_METHODS = List.of(Method.CLOSED_FORM, Method.ART_RL, Method.GITS,
            Method.REFINE);
    /** The evaluation noises' default seed (no learner draws from the evaluation's generator). */
    public static final long EVAL_SEED = 1_000_003L;

    private Comparison() {
    }

    /** What to compare; required settings with {@link #request}, the rest {@code opt*}. */
    public static final class Request {
        private final String denoiser;
        private final Solver solver;
        private final int[] steps;
        private final Path out;
        private List<Method> methods = DEFAULT_METHODS;
        private List<String> specs = List.of();
        private double uniformSigmaMin;
        private int samples = 1000;
        private long evalSeed = EVAL_SEED;
        private int batch = 256;
        private int referenceSteps = 512;
        private UnaryOperator<ScheduleTraining.Request> training = UnaryOperator.identity();
        private dev.artsched.training.DenoiserOptions denoiserOptions = dev.artsched.training.DenoiserOptions.NONE;
        private FeatureExtractor features;
        private String featuresLabel;
        private GaussianStats stats;
        private String statsLabel;
        private List<Evaluation.AdaptiveCandidate> adaptive = List.of();

        private Request(String denoiser, Solver solver, int[] steps, Path out) {
            if (denoiser == null || solver == null || steps == null || steps.length == 0 || out == null) {
                throw new ArtException("a comparison needs a model, a solver, at least one N and an output folder");
            }
            this.denoiser = denoiser;
            this.solver = solver;
            this.steps = steps.clone();
            this.out = out;
        }

        /** The methods to train (default closed form, ART-RL, GITS, refine; refine starts from the others). */
        public Request optMethods(List<Method> value) {
            if (value.isEmpty()) {
                throw new ArtException("expected at least one method to compare, found none");
            }
            methods = List.copyOf(value);
            return this;
        }

        /** Extra scheduler specs evaluated beside Uniform and EDM. */
        public Request optSpecs(List<String> value) {
            specs = List.copyOf(value);
            return this;
        }

        /** Uniform's last positive sigma (default 0: the paper's Uniform, equal steps ending at 0). */
        public Request optUniformSigmaMin(double value) {
            uniformSigmaMin = value;
            return this;
        }

        /** Evaluation samples, their seed, batch and reference steps (defaults 1000, 1000003, 256, 512). */
        public Request optEvaluation(int count, long seed, int batchSize, int reference) {
            samples = count;
            evalSeed = seed;
            batch = batchSize;
            referenceSteps = reference;
            return this;
        }

        /** How the model is opened for every learner and the evaluation (conditioning, guidance, parameterisation). */
        public Request optDenoiserOptions(dev.artsched.training.DenoiserOptions value) {
            denoiserOptions = java.util.Objects.requireNonNull(value, "denoiserOptions");
            return this;
        }

        /** Adjusts every training request (JVP graph, seeds, method settings) before it runs. */
        public Request optTraining(UnaryOperator<ScheduleTraining.Request> value) {
            training = value;
            return this;
        }

        /** Also ranks by FID with these features and reference statistics (null: the reference solutions'). */
        public Request optFid(FeatureExtractor extractor, String label, GaussianStats reference, String referenceLabel) {
            features = extractor;
            featuresLabel = label;
            stats = reference;
            statsLabel = referenceLabel;
            return this;
        }

        /**
         * Adaptive schedulers evaluated at each N's NFE budget beside the grids (ranked, never a winner: no grid);
         * a PPO training adds its own policy graphs as {@code adaptive:ppo}.
         */
        public Request optAdaptive(List<Evaluation.AdaptiveCandidate> value) {
            adaptive = List.copyOf(value);
            return this;
        }
    }

    /** A request for the required settings. */
    public static Request request(String denoiser, Solver solver, int[] steps, Path out) {
        return new Request(denoiser, solver, steps, out);
    }

    /** Trains, evaluates, ranks and writes; the listener sees training, the progress the evaluations. */
    public static CompareOutput.Result run(Request r, TrainingListener listener, EvalRunner.Progress progress) {
        TrainingListener l = listener == null ? TrainingListener.NONE : listener;
        Map<String, LearnedGrids> learned = new LinkedHashMap<>();
        Map<String, Map<Integer, ScheduleFile>> files = new LinkedHashMap<>();
        List<Method> order = new ArrayList<>(r.methods);
        if (order.remove(Method.REFINE)) {
            order.add(Method.REFINE);
        }
        try (DenoiserSource source = DenoiserSource.open(r.denoiser, r.denoiserOptions)) {
            Denoiser d = source.denoiser();
            List<Evaluation.Candidate> candidates = new ArrayList<>();
            for (String spec : baselines(r)) {
                TimestepScheduler s = TimestepSchedulers.create(spec).withModelRange(d.sigmaRange());
                candidates.add(new Evaluation.Candidate(s.name(), s));
            }
            for (int n : r.steps) {
                for (Method m : order) {
                    l.onNote("training " + m.id() + " for " + r.solver.id() + " N = " + n);
                    Path file = r.out.resolve(m.id() + "-" + r.solver.id() + "-" + n + ".json");
                    // the comparison evaluates every grid on its own held-out noises: no per-training guard
                    ScheduleTraining.Request t = r.training.apply(ScheduleTraining.request(r.denoiser, n, r.solver, m,
                            file).optGuard(false).optDenoiserOptions(r.denoiserOptions));
                    if (m == Method.REFINE) {
                        List<Refine.Start> starts = new ArrayList<>();
                        for (Map.Entry<String, LearnedGrids> e : learned.entrySet()) {
                            if (!e.getKey().equals(Method.REFINE.id())) {
                                starts.add(new Refine.Start(e.getKey(), e.getValue().get(n)));
                            }
                        }
                        double[] edm = n > 1 ? edm(d, files, n) : null;
                        if (edm != null) {
                            starts.add(new Refine.Start("edm", edm));
                            double[] uniform = new double[n + 1];
                            for (int k = 0; k < n; k++) {
                                uniform[k] = edm[0] * (1 - (double) k / n);
                            }
                            starts.add(new Refine.Start("uniform", uniform));
                        }
                        t.optStarts(starts);
                    }
                    ScheduleFile f = ScheduleTraining.train(t, l).file();
                    learned.computeIfAbsent(m.id(), LearnedGrids::new).put(n, f.sigmas());
                    files.computeIfAbsent(m.id(), k -> new TreeMap<>()).put(n, f);
                }
            }
            for (LearnedGrids g : learned.values()) {
                candidates.add(new Evaluation.Candidate(g.name(), g));
            }
            List<Path> plots = new ArrayList<>();
            Object conditioning = source.provenance().get("conditioning");
            List<Evaluation.AdaptiveCandidate> adaptive = new ArrayList<>(r.adaptive);
            try (PolicyGraphs ppo = new PolicyGraphs(files.get(Method.PPO.id()))) {
                if (ppo.present()) {
                    adaptive.add(new Evaluation.AdaptiveCandidate("adaptive:ppo", ppo::policy));
                }
                EvalReport rmse = evaluate(r, d, source.spec(), candidates, adaptive, false, progress, plots,
                        conditioning);
                EvalReport fid = r.features == null ? null : evaluate(r, d, source.spec(), candidates, adaptive, true,
                        progress, plots, conditioning);
                return CompareOutput.write(r.out, source.spec(), r.solver, r.steps, rmse, fid, files, plots);
            }
        }
    }

    private static List<String> baselines(Request r) {
        List<String> out = new ArrayList<>();
        out.add("uniform:sigma_min=" + r.uniformSigmaMin);
        out.add("edm");
        out.addAll(r.specs);
        return out;
    }

    /** EDM on the learners' range (their files record it). */
    private static double[] edm(Denoiser d, Map<String, Map<Integer, ScheduleFile>> files, int n) {
        for (Map<Integer, ScheduleFile> m : files.values()) {
            ScheduleFile f = m.get(n);
            if (f != null) {
                return TimestepSchedulers.create("edm:sigma_min=" + f.sigmaMin() + ",sigma_max=" + f.sigmaMax())
                        .schedule(n).sigmas();
            }
        }
        return TimestepSchedulers.create("edm").withModelRange(d.sigmaRange()).schedule(n).sigmas();
    }

    private static EvalReport evaluate(Request r, Denoiser d, String model, List<Evaluation.Candidate> candidates,
                                       List<Evaluation.AdaptiveCandidate> adaptive, boolean fid,
                                       EvalRunner.Progress progress, List<Path> plots, Object conditioning) {
        Evaluation.Request e = Evaluation.builder(d, model).setSchedules(candidates).setSteps(r.steps)
                .optSolver(r.solver).optSamples(r.samples, r.evalSeed).optBatch(Math.min(r.batch, r.samples))
                .optReference(r.referenceSteps, 7.0, null).optPlots(r.out.resolve(fid ? "plots-fid" : "plots"))
                .optAdaptive(adaptive);
        if (conditioning != null) {
            e.optInfo("conditioning", conditioning);
        }
        if (fid) {
            e.optFid(r.features, r.featuresLabel, r.stats, r.statsLabel, null);
        }
        Evaluation.Result res = Evaluation.run(e, progress);
        plots.addAll(res.plots());
        return res.report();
    }
}
