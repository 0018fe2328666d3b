package dev.artsched.cli;

import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.OnnxFeatureExtractor;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.training.TrainingModules;
import dev.artsched.training.compare.CompareOutput;
import dev.artsched.training.compare.Comparison;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.refine.Refine;
import dev.artsched.training.rl.ArtRlConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art compare}: trains the chosen grid methods on one model for a solver and several step counts, evaluates
 * them with Uniform, EDM and any given spec on the same held-out noises, prints one table (quality per N and NFE,
 * learning cost, the winner per N) and writes compare.json, plots and the winning grid per N.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train every grid method on one model and rank them with the baselines, side by side.",
        footer = {"", "Examples:",
            "  art compare --denoiser analytic:mixture2d --solver heun --steps 5,10,18 --out cmp/",
            "  art compare --denoiser models/mnist-edm/denoiser.onnx --jvp models/mnist-edm/denoiser_jvp.onnx \\",
            "      --solver heun --steps 10 --methods closed-form,gits,refine \\",
            "      --features models/mnist-edm/features.onnx --ref-stats models/mnist-edm/features_ref.json --out cmp/"})
public final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    PpoOptions ppo = new PpoOptions();

    @picocli.CommandLine.Mixin
    AdaptiveOptions adaptive = new AdaptiveOptions();

    @Option(names = "--denoiser", required = true, paramLabel = "MODEL",
            description = "ONNX denoiser file, or analytic:NAME (gauss1d, mixture2d, zoo-SEED).")
    String denoiser;

    @Option(names = "--jvp", paramLabel = "FILE",
            description = "The model's exported JVP graph: exact gradients for refine, |Q| for the ART methods.")
    Path jvp;

    @Option(names = "--solver", defaultValue = "heun", paramLabel = "SOLVER",
            description = "euler or heun (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--steps", split = ",", defaultValue = "5,10,18", paramLabel = "N",
            description = "Comma-separated step counts (default ${DEFAULT-VALUE}).")
    int[] steps;

    @Option(names = "--methods", split = ",", defaultValue = "closed-form,art-rl,gits,refine", paramLabel = "M",
            description = "Methods to train (default ${DEFAULT-VALUE}); refine starts from the best of the others; "
                    + "ppo (opt-in) also ranks its adaptive policy at each N's NFE budget.")
    List<String> methods;

    @Option(names = "--schedule", paramLabel = "SPEC",
            description = "Extra scheduler spec to rank beside Uniform and EDM (repeatable).")
    List<String> schedules = new ArrayList<>();

    @Option(names = "--uniform-sigma-min", defaultValue = "0", paramLabel = "S",
            description = "Uniform's last positive sigma (default 0: the paper's Uniform, equal steps ending at 0).")
    double uniformSigmaMin;

    @Option(names = "--samples", defaultValue = "1000", paramLabel = "M",
            description = "Held-out evaluation samples (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--eval-seed", defaultValue = "1000003", paramLabel = "S",
            description = "Seed of the held-out evaluation noises (default ${DEFAULT-VALUE}; no learner uses them).")
    long evalSeed;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "B",
            description = "Samples per denoiser call in the evaluation (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--reference-steps", defaultValue = "512", paramLabel = "N",
            description = "Heun steps of the evaluation's fine reference grid (default ${DEFAULT-VALUE}).")
    int referenceSteps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Learners' seed (default 0).")
    long seed;

    @Option(names = "--rollouts", paramLabel = "M",
            description = "Reference rollouts of the closed forms (default 1024) and of ART-RL's prior (default 256).")
    Integer rollouts;

    @Option(names = "--art-rl-iterations", paramLabel = "I", description = "ART-RL iterations (default 7000).")
    Integer artRlIterations;

    @Option(names = "--teacher-steps", defaultValue = "60", paramLabel = "M",
            description = "GITS' teacher grid steps (default ${DEFAULT-VALUE}).")
    int teacherSteps;

    @Option(names = "--warmup", defaultValue = "128", paramLabel = "B",
            description = "GITS' warm-up noises (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--gits-coeff", defaultValue = "1.0", paramLabel = "C",
            description = "GITS' coefficient on the remaining cost (default ${DEFAULT-VALUE}; GITS publishes 1.15).")
    double gitsCoeff;

    @Option(names = "--refine-iterations", defaultValue = "150", paramLabel = "I",
            description = "Refine's iterations at most (default ${DEFAULT-VALUE}; it stops early on its validation "
                    + "noises).")
    int refineIterations;

    @Option(names = "--refine-noises", defaultValue = "0", paramLabel = "P",
            description = "Refine's training and validation noises each (default 0: by dimension, 262144 / d within "
                    + "64..8192).")
    int refineNoises;

    @Option(names = "--minibatch", defaultValue = "64", paramLabel = "B",
            description = "Refine's training noises per gradient (default ${DEFAULT-VALUE}).")
    int minibatch;

    @Option(names = "--fd-budget", defaultValue = "2000000", paramLabel = "CALLS",
            description = "Refine without --jvp: denoiser calls finite differences may spend (default "
                    + "${DEFAULT-VALUE}; 0 forbids them).")
    long fdBudget;

    @Option(names = "--features", paramLabel = "FILE",
            description = "FID feature extractor (ONNX): also rank by FID.")
    Path features;

    @Option(names = "--ref-stats", paramLabel = "FILE",
            description = "FID reference statistics (default: the reference solutions').")
    Path refStats;

    @Option(names = "--out", defaultValue = "compare-out", paramLabel = "DIR",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume",
            description = "Continue interrupted ART-RL and refine runs from their checkpoints in --out.")
    boolean resume;

    @picocli.CommandLine.Mixin
    ConditioningOptions model = new ConditioningOptions();

    @Option(names = "--json", description = "Print compare.json instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        return CliSupport.run(spec, this::execute);
    }

    private Integer execute() throws Exception {
        Solver sv = Solver.parse(solver);
        for (int n : steps) {
            if (n < 1) {
                throw new ArtException("--steps: every step count must be >= 1, found " + n);
            }
        }
        if (samples < 2 || batch < 1 || referenceSteps < 2) {
            throw new ArtException("--samples must be >= 2, --batch >= 1 and --reference-steps >= 2, found "
                    + samples + ", " + batch + " and " + referenceSteps);
        }
        if (refStats != null && features == null) {
            throw new ArtException("--ref-stats needs --features FILE");
        }
        List<ScheduleTraining.Method> ms = new ArrayList<>();
        for (String m : methods) {
            try {
                ms.add(ScheduleTraining.Method.parse(m));
            } catch (ArtException e) {
                throw new ArtException("--methods expected art-rl, closed-form, gits, refine or ppo, found '" + m
                        + "'");
            }
        }
        Gits.Config gits = new Gits.Config(teacherSteps, 4, warmup, gitsCoeff, seed);
        Refine.Config refine = Refine.Config.defaults(seed).withNoises(refineNoises, minibatch)
                .withGradient(Refine.Gradient.AUTO, fdBudget)
                .withIterations(refineIterations, Refine.Config.defaults(seed).patience());
        for (int n : steps) {
            if (ms.contains(ScheduleTraining.Method.GITS) && n > teacherSteps) {
                throw new ArtException("--teacher-steps " + teacherSteps + " is coarser than N = " + n
                        + "; expected a teacher grid of at least N steps");
            }
        }
        dev.artsched.training.DenoiserOptions options = model.toOptions(seed);
        if (ppo.policyOut != null) {
            throw new ArtException("--policy-out is for art train: compare writes one policy graph per N beside its "
                    + "ppo-SOLVER-N.json files, found --policy-out " + ppo.policyOut);
        }
        Files.createDirectories(out);
        Comparison.Request request = Comparison.request(denoiser, sv, steps, out).optMethods(ms).optSpecs(schedules)
                .optDenoiserOptions(options)
                .optUniformSigmaMin(uniformSigmaMin).optEvaluation(samples, evalSeed, batch, referenceSteps)
                .optTraining(t -> {
                    t.optJvpGraph(jvp).optSeed(seed).optGits(gits).optRefine(refine).optResume(resume)
                            .optReference(rollouts, ScheduleTraining.FINE_STEPS);
                    if (jvp == null && !denoiser.trim().startsWith("analytic:")) {
                        t.optJvpStrategy(TrainingModules.JvpStrategy.FINITE_DIFFERENCE);
                    }
                    ArtRlConfig rl = t.artRl();
                    t.optPpo(ppo.settings(seed, null, 25, features == null ? "auto" : features.toString()));
                    return t.optArtRl(artRlIterations != null ? rl.withIterations(artRlIterations) : rl);
                });
        CompareOutput.Result result;
        try (FeatureExtractor fx = features == null ? null : OnnxFeatureExtractor.load(features)) {
            if (fx != null) {
                request.optFid(fx, features.toString(), refStats == null ? null : FeatureStatsFile.read(refStats),
                        refStats == null ? null : refStats.toString());
            }
            try (TrainingBar bar = new TrainingBar(spec, "train", 0);
                 BarProgress eval = new BarProgress(spec, "evaluate"); AdaptiveOptions policies = adaptive) {
                request.optAdaptive(policies.open());
                result = Comparison.run(request, bar, eval);
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.print(Files.readString(result.json()));
        } else {
            o.print(table(result));
            o.println("wrote " + result.json() + " and plots " + result.plots());
        }
        o.flush();
        return CliSupport.OK;
    }

    /**
     * The table: one row per schedule, per N its ref-rmse (and FID) and the learning cost, the winner per N, and a
     * note for every learned grid that loses to EDM.
     */
    static String table(CompareOutput.Result result) {
        StringBuilder b = new StringBuilder();
        Map<String, List<CompareOutput.Row>> by = new LinkedHashMap<>();
        for (CompareOutput.Row r : result.rows()) {
            by.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        }
        int width = 8;
        for (String label : by.keySet()) {
            width = Math.max(width, label.length());
        }
        b.append(String.format(Locale.ROOT, "%-" + width + "s", "schedule"));
        for (CompareOutput.Row r : by.values().iterator().next()) {
            b.append(String.format(Locale.ROOT, " | N=%-3d nfe=%-3d %-14s", r.steps(), r.nfe(),
                    Double.isNaN(r.fid()) ? "ref-rmse" : "ref-rmse / fid"));
        }
        b.append(" | learning cost (calls, s)\n");
        for (Map.Entry<String, List<CompareOutput.Row>> e : by.entrySet()) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s", e.getKey()));
            long calls = 0;
            double secs = 0;
            for (CompareOutput.Row r : e.getValue()) {
                boolean win = result.winners().get(r.steps()) == r;
                String v = Double.isNaN(r.fid()) ? String.format(Locale.ROOT, "%.4g", r.refRmse())
                        : String.format(Locale.ROOT, "%.4g / %.4g", r.refRmse(), r.fid());
                b.append(String.format(Locale.ROOT, " | %-26s", v + (win ? " *" : "")));
                calls += r.calls();
                secs += r.seconds();
            }
            b.append(e.getValue().get(0).file() == null ? " | -" : String.format(Locale.ROOT, " | %d, %.1f", calls,
                    secs)).append('\n');
        }
        for (Map.Entry<Integer, CompareOutput.Row> w : result.winners().entrySet()) {
            b.append(String.format(Locale.ROOT, "winner N=%d: %s -> %s%n", w.getKey(), w.getValue().label(),
                    result.files().get(w.getKey())));
        }
        for (String note : losesToEdm(result)) {
            b.append("note: ").append(note).append('\n');
        }
        return b.toString();
    }

    /** One line per learned grid that scores worse than EDM at its N. */
    static List<String> losesToEdm(CompareOutput.Result result) {
        List<String> out = new ArrayList<>();
        for (CompareOutput.Row r : result.rows()) {
            if (r.file() == null) {
                continue;
            }
            for (CompareOutput.Row e : result.rows()) {
                if (e.steps() == r.steps() && e.label().startsWith("edm") && r.score() > e.score()) {
                    out.add(String.format(Locale.ROOT, "%s loses to EDM at N=%d (%.4g vs %.4g)", r.label(),
                            r.steps(), r.score(), e.score()));
                }
            }
        }
        return out;
    }

}
