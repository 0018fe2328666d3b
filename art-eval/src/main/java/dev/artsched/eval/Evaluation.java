package dev.artsched.eval;

import dev.artsched.sampling.AdaptiveResult;
import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.adaptive.AdaptivePolicy;
import dev.artsched.scheduler.adaptive.AdaptiveScheduler;

import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepScheduler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The evaluation service: schedules compared on one denoiser with one metric (ref-rmse or FID) at several step
 * counts, from the same seeded noises, against a fine-grid reference solution. A typed {@link Request} in, an
 * {@link EvalReport} out (plus optional plots); callers choose how to print it.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** The metrics this service computes. */
    public enum Metric {
        /** RMS distance to the reference solution from the same noise. */
        REF_RMSE(RefRmse.ID),
        /** Frechet distance of features from an extractor. */
        FID(FidMetric.ID);

        private final String id;

        Metric(String id) {
            this.id = id;
        }

        /** The metric's id ({@code ref-rmse} or {@code fid}). */
        public String id() {
            return id;
        }

        /** Parses {@code ref-rmse} or {@code fid}, case-insensitively. */
        public static Metric parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            for (Metric m : values()) {
                if (m.id.equals(t)) {
                    return m;
                }
            }
            throw new ArtException("unknown metric '" + ArtException.quote(String.valueOf(text))
                    + "': expected ref-rmse or fid");
        }
    }

    /** One schedule to evaluate: the label its rows carry and the scheduler (already set to the model's range). */
    public record Candidate(String label, TimestepScheduler scheduler) {
        /** Validates. */
        public Candidate {
            if (label == null || label.isBlank() || scheduler == null) {
                throw new ArtException("a schedule to evaluate needs a label and a scheduler, found none");
            }
        }
    }

    /**
     * An adaptive policy to evaluate at the NFE budget of each step count: the label its rows carry and the policy
     * for each step count (one policy for all, or one trained per budget).
     */
    public record AdaptiveCandidate(String label, java.util.function.IntFunction<AdaptivePolicy> policies) {
        /** Validates. */
        public AdaptiveCandidate {
            if (label == null || label.isBlank() || policies == null) {
                throw new ArtException("an adaptive policy to evaluate needs a label and a policy, found none");
            }
        }

        /** One policy for every step count. */
        public AdaptiveCandidate(String label, AdaptivePolicy policy) {
            this(label, n -> policy);
            if (policy == null) {
                throw new ArtException("an adaptive policy to evaluate needs a policy, found none");
            }
        }
    }

    /**
     * What to evaluate. Build one with {@link #builder(Denoiser, String)}: the schedules and step counts are
     * required ({@code set*}), everything else has a default ({@code opt*}).
     */
    public static final class Request {
        private final Denoiser denoiser;
        private final String model;
        private List<Candidate> schedules = List.of();
        private int[] steps = new int[0];
        private Solver solver = Solver.HEUN;
        private Metric metric = Metric.REF_RMSE;
        private int samples = 1000;
        private long seed;
        private int batch = 256;
        private int referenceSteps = ReferenceSolutions.Options.DEFAULT_REFERENCE_STEPS;
        private double referenceRho = 7.0;
        private Double referenceSigmaMin;
        private FeatureExtractor features;
        private String featuresLabel;
        private GaussianStats referenceStats;
        private String referenceStatsLabel;
        private Path saveReferenceStats;
        private Path plots;
        private final Map<String, Object> extraInfo = new LinkedHashMap<>();
        private List<AdaptiveCandidate> adaptive = List.of();

        private Request(Denoiser denoiser, String model) {
            this.denoiser = Objects.requireNonNull(denoiser, "denoiser");
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The schedules, in the order of the report's rows. */
        public Request setSchedules(List<Candidate> value) {
            schedules = List.copyOf(value);
            return this;
        }

        /** The step counts (distinct, each >= 1). */
        public Request setSteps(int... value) {
            steps = value.clone();
            return this;
        }

        /** The solver (default Heun). */
        public Request optSolver(Solver value) {
            solver = Objects.requireNonNull(value, "solver");
            return this;
        }

        /** Samples per schedule and seed of their noises (defaults 1000 and 0). */
        public Request optSamples(int count, long noiseSeed) {
            samples = count;
            seed = noiseSeed;
            return this;
        }

        /** Samples per denoiser call (default 256, at most the number of samples). */
        public Request optBatch(int value) {
            batch = value;
            return this;
        }

        /** The reference grid: Heun steps, EDM rho and smallest sigma (null: the model's, else 0.002). */
        public Request optReference(int stepCount, double rho, Double sigmaMin) {
            referenceSteps = stepCount;
            referenceRho = rho;
            referenceSigmaMin = sigmaMin;
            return this;
        }

        /** Ref-rmse (the default). */
        public Request optRefRmse() {
            metric = Metric.REF_RMSE;
            features = null;
            return this;
        }

        /**
         * FID with these features; reference statistics from {@code stats} (null: from the reference solutions),
         * optionally saved to {@code save}. The labels name the extractor and the statistics in the report.
         */
        public Request optFid(FeatureExtractor extractor, String extractorLabel, GaussianStats stats,
                              String statsLabel, Path save) {
            metric = Metric.FID;
            features = Objects.requireNonNull(extractor, "extractor");
            featuresLabel = extractorLabel;
            referenceStats = stats;
            referenceStatsLabel = statsLabel;
            saveReferenceStats = save;
            return this;
        }

        /** Writes {@code error-vs-nfe.png} and {@code sigmas.png} into this folder (default: no plots). */
        public Request optPlots(Path folder) {
            plots = folder;
            return this;
        }

        /** Adds an entry to the report's run information, after the denoiser (e.g. its conditioning). */
        public Request optInfo(String key, Object value) {
            extraInfo.put(Objects.requireNonNull(key, "key"), value);
            return this;
        }

        /**
         * Adaptive policies, each evaluated at the NFE budget of every step count (rows after the grids'; the NFE
         * each sample spent is reported as mean and max in the info's {@code adaptive_nfe}).
         */
        public Request optAdaptive(List<AdaptiveCandidate> value) {
            adaptive = List.copyOf(value);
            return this;
        }

        /** The metric. */
        public Metric metric() {
            return metric;
        }

        /** The reference grid's smallest sigma in effect. */
        public double referenceSigmaMin() {
            return referenceSigmaMin != null ? referenceSigmaMin
                    : denoiser.sigmaMin().orElse(ReferenceSolutions.Options.DEFAULT_SIGMA_MIN);
        }
    }

    /** A request for {@code denoiser}, named {@code model} in the report. */
    public static Request builder(Denoiser denoiser, String model) {
        return new Request(denoiser, model);
    }

    /** The report and the plot files written (empty without plots). */
    public record Result(EvalReport report, List<Path> plots) {
        /** Copies. */
        public Result {
            plots = List.copyOf(plots);
        }
    }

    /** Evaluates; the report's info holds the run's settings in a fixed order (see the CLI's {@code --json}). */
    public static Result run(Request r, EvalRunner.Progress progress) {
        long start = System.nanoTime();
        if (r.samples < 2) {
            throw new ArtException("an evaluation needs at least 2 samples, found " + r.samples);
        }
        if (r.batch < 1) {
            throw new ArtException("the batch size must be >= 1, found " + r.batch);
        }
        List<EvalRunner.Candidate> candidates = new ArrayList<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (Candidate c : r.schedules) {
            resolved.put(c.label(), c.scheduler().name());
            candidates.add(new EvalRunner.Candidate(c.label(), c.scheduler()::schedule));
        }
        Map<String, List<Schedule>> grids = EvalRunner.grids(candidates, r.steps);
        double sMin = r.referenceSigmaMin();
        ReferenceSolutions.Options options = new ReferenceSolutions.Options(r.samples, r.seed,
                Math.min(r.batch, r.samples), r.referenceSteps, r.referenceRho, sMin);
        ReferenceSolutions references = new ReferenceSolutions(r.denoiser, options);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("denoiser", r.model);
        info.putAll(r.extraInfo);
        info.put("samples", r.samples);
        info.put("seed", r.seed);
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("solver", Solver.HEUN.id());
        ref.put("steps", r.referenceSteps);
        ref.put("rho", r.referenceRho);
        ref.put("sigma_min", sMin);
        info.put("reference", ref);
        info.put("schedulers", resolved);
        EvalReport report;
        FidMetric lastFid = null;
        if (r.metric == Metric.REF_RMSE) {
            report = EvalRunner.run(candidates, r.steps, new RefRmse(references, r.solver), progress, info);
        } else {
            FidMetric fid = new FidMetric(references, r.solver, r.features, r.referenceStats);
            lastFid = fid;
            info.put("features", r.featuresLabel);
            info.put("ref_stats", r.referenceStats == null ? "reference solutions" : r.referenceStatsLabel);
            report = EvalRunner.run(candidates, r.steps, fid, progress, info);
            if (r.saveReferenceStats != null && fid.referenceStats() != null) {
                FeatureStatsFile.write(r.saveReferenceStats, fid.referenceStats());
                info.put("saved_ref_stats", r.saveReferenceStats.toString());
            }
        }
        if (!r.adaptive.isEmpty()) {
            report = withAdaptive(r, report, r.metric == Metric.REF_RMSE ? new RefRmse(references, r.solver)
                    : lastFid, info);
        }
        List<Path> written = new ArrayList<>();
        if (r.plots != null) {
            written.addAll(plots(report, grids, r.steps, r.plots));
            info.put("plots", List.of(written.get(0).toString(), written.get(1).toString()));
        }
        info.put("wall_seconds", Math.round((System.nanoTime() - start) / 1e6) / 1e3);
        return new Result(new EvalReport(report.metric(), report.solver(), report.rows(), info), written);
    }

    /** The report with one row per adaptive policy and step count appended, at that count's NFE budget. */
    private static EvalReport withAdaptive(Request r, EvalReport report, EvalMetric metric, Map<String, Object> info) {
        List<EvalRow> rows = new ArrayList<>(report.rows());
        Map<String, Object> nfe = new LinkedHashMap<>();
        for (AdaptiveCandidate c : r.adaptive) {
            Map<String, Object> per = new LinkedHashMap<>();
            for (int n : r.steps) {
                int budget = r.solver.nfe(n);
                AdaptiveScheduler s = new AdaptiveScheduler(c.policies().apply(n), r.solver, budget);
                AdaptiveResult a = metric.references().solve(s);
                rows.add(new EvalRow(c.label(), n, budget, metric.evaluateSamples(a.samples(), s.firstSigma(),
                        StepListener.NONE)));
                per.put(Integer.toString(n), Map.of("budget", budget, "mean", a.meanNfe(), "max", a.maxNfe()));
            }
            nfe.put(c.label(), per);
        }
        info.put("adaptive_nfe", nfe);
        return new EvalReport(report.metric(), report.solver(), rows, info);
    }

    private static List<Path> plots(EvalReport report, Map<String, List<Schedule>> grids, int[] steps, Path folder) {
        Path errors = folder.resolve("error-vs-nfe.png");
        Path sigmas = folder.resolve("sigmas.png");
        EvalPlots.errorVsNfe(report, errors);
        List<Schedule> all = new ArrayList<>();
        int largest = steps[0];
        for (int n : steps) {
            largest = Math.max(largest, n);
        }
        for (Map.Entry<String, List<Schedule>> e : grids.entrySet()) {
            for (Schedule s : e.getValue()) {
                if (s.steps() == largest) {
                    all.add(s.withName(e.getKey()));
                }
            }
        }
        EvalPlots.sigmaVsStep(all, sigmas);
        return List.of(errors, sigmas);
    }
}
