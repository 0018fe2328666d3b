package dev.artsched.cli;

import dev.artsched.training.DenoiserSource;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.eval.EvalReport;
import dev.artsched.eval.Evaluation;
import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.FidMetric;
import dev.artsched.eval.GaussianStats;
import dev.artsched.eval.OnnxFeatureExtractor;
import dev.artsched.eval.RefRmse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code art eval}: compares schedules on a denoiser with the {@code ref-rmse} or {@code fid} metric at several
 * step counts, printing a table or one JSON object and optionally PNG plots.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate schedules on a denoiser (ref-rmse or FID) at several step counts.",
        footer = {"", "Examples:",
            "  art eval --denoiser analytic:mixture2d --schedule edm --schedule uniform \\",
            "      --steps 5,10,18",
            "  art eval --denoiser models/mixture2d/denoiser.onnx --schedule edm \\",
            "      --schedule art:path=grid.json --steps 5,10,18 --solver euler \\",
            "      --json --plots out/",
            "  art eval --denoiser models/mnist-edm/denoiser.onnx --schedule edm \\",
            "      --metric fid --features models/mnist-edm/features.onnx \\",
            "      --ref-stats models/mnist-edm/features_ref.json --samples 1000"})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    AdaptiveOptions adaptive = new AdaptiveOptions();

    @Option(names = "--denoiser", required = true, paramLabel = "MODEL",
            description = "ONNX denoiser file, or analytic:gauss1d / analytic:mixture2d.")
    String denoiser;

    @Option(names = "--schedule", required = true, paramLabel = "SPEC",
            description = "Scheduler spec to evaluate (repeatable), e.g. edm, uniform, art:path=grid.json. "
                    + "Built-in grids take sigma_min/sigma_max from the model when the spec does not say.")
    List<String> schedules;

    @Option(names = "--steps", split = ",", paramLabel = "N", defaultValue = "2,5,10",
            description = "Comma-separated step counts (default ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--solver", paramLabel = "SOLVER", defaultValue = "heun",
            description = "euler or heun (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "ref-rmse",
            description = "ref-rmse or fid (default ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--samples", paramLabel = "M", defaultValue = "1000",
            description = "Samples per schedule (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Noise seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256",
            description = "Samples per denoiser call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--reference-steps", paramLabel = "N", defaultValue = "512",
            description = "Heun steps of the fine EDM reference grid (default ${DEFAULT-VALUE}).")
    int referenceSteps;

    @Option(names = "--reference-rho", paramLabel = "RHO", defaultValue = "7",
            description = "Karras rho of the reference grid (default ${DEFAULT-VALUE}).")
    double referenceRho;

    @Option(names = "--reference-sigma-min", paramLabel = "SIGMA",
            description = "Smallest positive sigma of the reference grid (default: the model's sigma_min, else 0.002).")
    Double referenceSigmaMin;

    @Option(names = "--features", paramLabel = "FILE",
            description = "FID feature extractor: an ONNX file, or 'identity' for the samples themselves.")
    String features;

    @Option(names = "--ref-stats", paramLabel = "FILE",
            description = "FID reference statistics (.json or binary); default: statistics of the reference solutions.")
    Path refStats;

    @Option(names = "--save-ref-stats", paramLabel = "FILE",
            description = "Write the FID reference statistics used to FILE (.json or binary).")
    Path saveRefStats;

    @Option(names = "--plots", paramLabel = "DIR",
            description = "Write error-vs-nfe.png and sigmas.png into DIR.")
    Path plots;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @picocli.CommandLine.Mixin
    ConditioningOptions model = new ConditioningOptions();

    @Override
    public Integer call() {
        return CliSupport.run(spec, this::evaluate);
    }

    private int evaluate() {
        long start = System.nanoTime();
        Solver sv = Solver.parse(solver);
        String metricId = metric.trim().toLowerCase(Locale.ROOT);
        if (!metricId.equals(RefRmse.ID) && !metricId.equals(FidMetric.ID)) {
            throw new ArtException("--metric: expected ref-rmse or fid, found '" + metric + "'");
        }
        for (int n : steps) {
            CliSupport.range("--steps", n, 1, CliSupport.MAX_STEPS);
        }
        CliSupport.range("--samples", samples, 2, CliSupport.MAX_COUNT);
        CliSupport.range("--batch", batch, 1, CliSupport.MAX_BATCH);
        CliSupport.range("--reference-steps", referenceSteps, 1, CliSupport.MAX_STEPS);
        CliSupport.sigma("--reference-sigma-min", referenceSigmaMin);
        if (!(referenceRho > 0 && referenceRho <= dev.artsched.scheduler.EdmScheduler.MAX_RHO)) {
            throw new ArtException("--reference-rho must be in (0, " + dev.artsched.scheduler.EdmScheduler.MAX_RHO
                    + "], found " + referenceRho);
        }
        if (metricId.equals(RefRmse.ID) && (features != null || refStats != null || saveRefStats != null)) {
            throw new ArtException("--features, --ref-stats and --save-ref-stats need --metric fid, found --metric "
                    + metricId);
        }
        if (metricId.equals(FidMetric.ID) && features == null) {
            throw new ArtException("--metric fid needs --features F.onnx (or --features identity)");
        }
        dev.artsched.training.DenoiserOptions options = model.toOptions(seed);
        Outputs files = model.inputs(new Outputs().model("--denoiser", denoiser).input("--ref-stats", refStats))
                .output("--save-ref-stats", saveRefStats);
        if (features != null && !features.equals("identity")) {
            files.input("--features", CliSupport.path("--features", features));
        }
        for (String s : schedules) {
            files.spec("--schedule", s);
        }
        adaptive.check(files);
        if (plots != null) {
            files.output("--plots", plots.resolve("error-vs-nfe.png")).output("--plots", plots.resolve("sigmas.png"));
        }
        try (Outputs locked = files.check(false).lock(CliSupport.owner(spec));
             DenoiserSource source = DenoiserSource.open(denoiser, options); AdaptiveOptions policies = adaptive) {
            Denoiser d = source.denoiser();
            List<Evaluation.Candidate> candidates = new ArrayList<>();
            for (String s : schedules) {
                candidates.add(new Evaluation.Candidate(s,
                        TimestepSchedulers.create(s).withModelRange(d.sigmaRange())));
            }
            Evaluation.Request request = Evaluation.builder(d, source.spec()).setSchedules(candidates).setSteps(steps)
                    .optSolver(sv).optSamples(samples, seed).optBatch(batch)
                    .optReference(referenceSteps, referenceRho, referenceSigmaMin).optPlots(plots)
                    .optAdaptive(policies.open());
            Object conditioning = source.provenance().get("conditioning");
            if (conditioning != null) {
                request.optInfo("conditioning", conditioning);
            }
            Evaluation.Result result;
            try (FeatureExtractor fx = metricId.equals(FidMetric.ID) ? openFeatures(d) : null) {
                if (fx != null) {
                    GaussianStats stats = refStats == null ? null : FeatureStatsFile.read(refStats);
                    request.optFid(fx, features, stats, refStats == null ? null : refStats.toString(), saveRefStats);
                }
                try (BarProgress bar = new BarProgress(spec, "eval " + request.metric().id())) {
                    result = Evaluation.run(request, bar);
                }
            }
            EvalReport done = result.report();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                CliSupport.printJson(out, done.toJson());
            } else {
                out.print(done.toTable());
                if (done.info().get("schedulers") instanceof java.util.Map<?, ?> resolved) {
                    for (java.util.Map.Entry<?, ?> e : resolved.entrySet()) {
                        if (!e.getKey().equals(e.getValue())) {
                            out.println(e.getKey() + " = " + e.getValue());
                        }
                    }
                }
                out.printf(Locale.ROOT, "denoiser %s, %d samples, seed %d, reference heun %d steps (rho %s, "
                        + "sigma_min %s), %.1f s%n", source.spec(), samples, seed, referenceSteps, referenceRho,
                        request.referenceSigmaMin(), (System.nanoTime() - start) / 1e9);
                if (conditioning instanceof java.util.Map<?, ?> c) {
                    out.printf(Locale.ROOT, "conditioning %s (M = %s)%s, guidance w = %s%n", c.get("cond_file"),
                            c.get("cond_rows"), c.get("uncond_file") == null ? "" : ", unconditional "
                            + c.get("uncond_file"), c.get("guidance"));
                }
                if (done.info().get("adaptive_nfe") instanceof java.util.Map<?, ?> nfe) {
                    nfe.forEach((label, per) -> out.println("NFE per sample of " + label + " (steps: mean / max of "
                            + "budget): " + ((java.util.Map<?, ?>) per).entrySet().stream().map(e -> {
                                java.util.Map<?, ?> v = (java.util.Map<?, ?>) e.getValue();
                                return String.format(Locale.ROOT, "%s: %.2f / %s of %s", e.getKey(), v.get("mean"),
                                        v.get("max"), v.get("budget"));
                            }).collect(java.util.stream.Collectors.joining(", "))));
                }
                if (plots != null) {
                    out.println("plots: " + plots.resolve("error-vs-nfe.png") + ", " + plots.resolve("sigmas.png"));
                }
                out.flush();
            }
            return CliSupport.OK;
        }
    }

    private FeatureExtractor openFeatures(Denoiser d) {
        if ("identity".equals(features)) {
            return FeatureExtractor.identity(d.sampleSize());
        }
        return OnnxFeatureExtractor.load(Path.of(features));
    }
}
