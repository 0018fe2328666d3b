package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.TrainingModules;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.ppo.PpoMethod;
import dev.artsched.training.refine.Refine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art train}: learns a timestep grid for a denoiser with ART-RL (actor-critic, docs/MATH.md section 3) or the
 * training-free ART closed form (section 2.1) and writes it as an {@code art-schedule/1} file with full
 * provenance. ART-RL runs write a checkpoint and JSON-lines metrics next to the output; {@code --resume}
 * continues an interrupted run.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Learn a timestep grid for a denoiser (ART-RL or the ART closed form).",
        footer = {"", "Examples:",
            "  art train --denoiser models/mixture2d/denoiser.onnx --jvp models/mixture2d/denoiser_jvp.onnx \\",
            "      --steps 10 --solver heun --method art-rl --out mixture2d-heun-10.json",
            "  art train --denoiser analytic:gauss1d --steps 10 --solver euler --method closed-form --out g.json",
            "  art train ... --resume     (continue from OUT.ckpt after an interruption)"})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ArtRlOptions artRl = new ArtRlOptions();

    @Mixin
    ConditioningOptions model = new ConditioningOptions();

    @Mixin
    PpoOptions ppo = new PpoOptions();

    @Option(names = "--denoiser", required = true, paramLabel = "MODEL",
            description = "ONNX denoiser file, or analytic:gauss1d / analytic:mixture2d.")
    String denoiser;

    @Option(names = "--jvp", paramLabel = "FILE",
            description = "The model's exported JVP graph (ONNX). Without it an ONNX model uses finite differences.")
    Path jvp;

    @Option(names = "--jvp-strategy", paramLabel = "S",
            description = "graph (exported or analytic JVP) or fd (finite differences). Default: graph when --jvp "
                    + "is given or the model is analytic, else fd.")
    String jvpStrategy;

    @Option(names = "--features", defaultValue = "auto", paramLabel = "F",
            description = "ART-RL feature map: auto (t-x-psi in 1-D, else summary6), t-x-psi or summary6; ppo: "
                    + "identity (auto) or the ONNX feature graph of --real-features.")
    String features;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Steps N of the output grid.")
    int steps;

    @Option(names = "--solver", required = true, paramLabel = "SOLVER", description = "euler or heun.")
    String solver;

    @Option(names = "--method", defaultValue = "art-rl", paramLabel = "METHOD",
            description = "art-rl (default), closed-form (for heun the solver-aware rule), gits, refine or ppo.")
    String method;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Schedule file to write.")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Schedule name (default METHOD-MODEL-SOLVER-N).")
    String name;

    @Option(names = "--iterations", paramLabel = "I",
            description = "ART-RL iterations (robust: 7000; paper: 5000); refine's iterations at most (150).")
    Integer iterations;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
            description = "ART-RL rollouts per iteration (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default 0).")
    long seed;

    @Option(names = "--train-steps", paramLabel = "K",
            description = "ART-RL clock steps K (default N); the distilled grid is resampled to N by the time map.")
    Integer trainSteps;

    @Option(names = "--distill", defaultValue = "10000", paramLabel = "M",
            description = "Trajectories from the end of training distilled into the grid (default ${DEFAULT-VALUE}).")
    int distill;

    @Option(names = "--sigma-max", paramLabel = "T", description = "T = sigma_max (default: model metadata, else 80).")
    Double sigmaMax;

    @Option(names = "--sigma-min", paramLabel = "S",
            description = "Smallest queried sigma (default: model metadata, else 0.002).")
    Double sigmaMin;

    @Option(names = "--rollouts", paramLabel = "M",
            description = "Reference trajectories: of the closed form (default 1024), or of ART-RL's gamma_0 "
                    + "(default 256). Lower it for expensive models.")
    Integer rollouts;

    @Option(names = "--fine-steps", paramLabel = "N",
            description = "Steps of the fine reference grid of the closed form / of gamma_0 (default 1000).")
    Integer fineSteps;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint of ART-RL, GITS or refine (default OUT.ckpt).")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "250", paramLabel = "I",
            description = "Iterations between checkpoints (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "JSON-lines metrics of every iteration (default OUT.metrics.jsonl).")
    Path metrics;

    @Option(names = "--resume", description = "Continue from the checkpoint if it exists.")
    boolean resume;

    @Option(names = "--no-guard", description = "Skip the held-out check against EDM and the closed form before "
            + "writing (64 samples, ref-rmse).")
    boolean noGuard;

    @Option(names = "--teacher-steps", paramLabel = "M",
            description = "gits (and refine's GITS start): steps of the fine teacher grid (default 60).")
    Integer teacherSteps;

    @Option(names = "--warmup", paramLabel = "B",
            description = "gits (and refine's GITS start): warm-up noises (default 128).")
    Integer warmup;

    @Option(names = "--gits-coeff", paramLabel = "C",
            description = "gits: the coefficient on the remaining cost (default 1.0; GITS publishes 1.15).")
    Double gitsCoeff;

    @Option(names = "--refine-noises", paramLabel = "P",
            description = "refine: training and validation noises each (default by dimension: 262144 / d within "
                    + "64..8192).")
    Integer refineNoises;

    @Option(names = "--minibatch", paramLabel = "B",
            description = "refine: training noises per gradient (default 64).")
    Integer minibatch;

    @Option(names = "--fd-budget", paramLabel = "CALLS",
            description = "refine without a JVP: denoiser calls finite-difference gradients may spend (default "
                    + "2000000; 0 forbids them).")
    Long fdBudget;

    @Option(names = "--json", description = "Print one JSON object describing the result.")
    boolean json;

    @Option(names = "--trust-jvp", description = "Skip the check of the --jvp graph against finite differences of "
            + "the model at load (4 random points, relative error <= 0.1).")
    boolean trustJvp;

    @Option(names = "--force", description = "Replace a symbolic link at an output path with a regular file (the "
            + "link itself, never its target; FIFOs, directories and devices are never replaced).")
    boolean force;

    @Override
    public Integer call() {
        return CliSupport.run(spec, this::execute);
    }

    private Integer execute() {
        Solver sol = Solver.parse(solver);
        ScheduleTraining.Method m = method(method);
        CliSupport.range("--steps", steps, 1, CliSupport.MAX_STEPS);
        int fine = fineSteps != null ? fineSteps : ScheduleTraining.FINE_STEPS;
        CliSupport.range("--fine-steps", fine, 1, CliSupport.MAX_STEPS);
        if (rollouts != null) {
            CliSupport.range("--rollouts", rollouts, 1, ArtRlConfig.MAX_ROLLOUTS);
        }
        if (trainSteps != null) {
            CliSupport.range("--train-steps", trainSteps, 1, CliSupport.MAX_STEPS);
        }
        if (iterations != null) {
            CliSupport.range("--iterations", iterations, 1, CliSupport.MAX_COUNT);
        }
        CliSupport.range("--batch", batch, 1, ArtRlConfig.MAX_BATCH);
        CliSupport.range("--distill", distill, 1, ArtRlConfig.MAX_DISTILL);
        CliSupport.range("--checkpoint-every", checkpointEvery, 1, Integer.MAX_VALUE);
        CliSupport.sigma("--sigma-max", sigmaMax);
        CliSupport.sigma("--sigma-min", sigmaMin);
        ScheduleTraining.Request request = ScheduleTraining.request(denoiser, steps, sol, m, out).optJvpGraph(jvp)
                .optFeatures(features).optName(name).optSeed(seed).optReference(rollouts, fine)
                .optSigmaRange(sigmaMax, sigmaMin).optRunFiles(checkpoint, metrics).optResume(resume)
                .optGuard(!noGuard).optOwner(CliSupport.owner(spec)).optTrustJvp(trustJvp)
                .optDenoiserOptions(model.toOptions(seed));
        if (jvpStrategy != null) {
            request.optJvpStrategy(CliSupport.forOption("--jvp-strategy",
                    () -> TrainingModules.JvpStrategy.parse(jvpStrategy)));
        }
        if (request.jvpStrategy() == TrainingModules.JvpStrategy.GRAPH && jvp == null
                && !denoiser.trim().startsWith("analytic:")) {
            throw new ArtException("the ONNX denoiser " + denoiser + " needs --jvp FILE (its exported JVP graph) for "
                    + "the graph strategy; found none (use --jvp-strategy fd for finite differences)");
        }
        if (jvp != null && denoiser.trim().startsWith("analytic:")) {
            throw new ArtException("--jvp is for ONNX denoisers: the analytic model " + denoiser.trim() + " has an "
                    + "exact JVP; expected no --jvp, found " + jvp);
        }
        // the training service locks its files itself; here they are only checked against the inputs
        Outputs files = model.inputs(new Outputs().model("--denoiser", denoiser).input("--jvp", jvp))
                .output("--out", out);
        if (m == ScheduleTraining.Method.PPO) {
            Path policy = PpoMethod.policyPath(out, ppo.policyOut);
            files.output(checkpoint != null ? "--checkpoint" : "--checkpoint (default OUT.ckpt)", request.checkpoint())
                    .output(ppo.policyOut != null ? "--policy-out" : "--policy-out (default OUT.policy.onnx)", policy)
                    .output("the reward plot beside the policy graph", PpoMethod.rewardPlot(policy))
                    .input("--real-features", ppo.realFeatures);
        } else if (m == ScheduleTraining.Method.ART_RL || m == ScheduleTraining.Method.REFINE
                || m == ScheduleTraining.Method.GITS) {
            files.output(checkpoint != null ? "--checkpoint" : "--checkpoint (default OUT.ckpt)", request.checkpoint())
                    .output(metrics != null ? "--metrics" : "--metrics (default OUT.metrics.jsonl)",
                            request.metrics());
        }
        files.check(force);
        ScheduleTraining.Result result;
        try {
            result = train(m, request, fine);
        } catch (ArtException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("the JVP graph ")
                    && e.getMessage().contains("does not match the model")) {
                throw new ArtException("--jvp: " + e.getMessage() + "; --trust-jvp skips this check", e);
            }
            throw e;
        }
        ScheduleFile file = result.file();
        if (result.guard() != null && result.guard().warning() != null) {
            spec.commandLine().getErr().println("art: warning: " + result.guard().warning());
            spec.commandLine().getErr().flush();
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("out", out.toString());
            j.put("name", file.name());
            j.put("method", file.method());
            j.put("solver", sol.id());
            j.put("steps", steps);
            j.put("sigmas", file.sigmas());
            j.putAll(result.run());
            if (file.training().get("diagnostics") instanceof Map<?, ?> diagnostics) {
                j.put("converged", diagnostics.get("converged"));
            }
            if (result.guard() != null) {
                j.put("guard", result.guard().values());
            }
            j.put("wall_seconds", file.training().get("wall_seconds"));
            CliSupport.printJson(o, j);
        } else {
            o.printf(Locale.ROOT, "wrote %s (%s, %s, N = %d): %s%s%n", CliSupport.oneLine(out.toString()),
                    file.method(), sol.id(), steps, ScheduleTraining.format(file.sigmas()),
                    result.guard() == null ? "" : "; " + result.guard().summary());
            o.flush();
        }
        return CliSupport.OK;
    }

    private ScheduleTraining.Result train(ScheduleTraining.Method m, ScheduleTraining.Request request, int fine) {
        if (m == ScheduleTraining.Method.PPO) {
            request.optPpo(ppo.settings(seed, iterations, checkpointEvery, features));
            try (TrainingBar bar = new TrainingBar(spec, "ppo", 0)) {
                return ScheduleTraining.train(request, bar);
            }
        }
        if (m != ScheduleTraining.Method.ART_RL) {
            Gits.Config g = Gits.Config.defaults(seed);
            request.optGits(new Gits.Config(teacherSteps != null ? teacherSteps : g.teacherSteps(), g.substeps(),
                    warmup != null ? warmup : g.warmup(), gitsCoeff != null ? gitsCoeff : g.coeff(), seed));
            Refine.Config rc = Refine.Config.defaults(seed).withNoises(refineNoises != null ? refineNoises : 0,
                    minibatch != null ? minibatch : 64);
            request.optRefine(rc.withGradient(rc.gradient(), fdBudget != null ? fdBudget : rc.fdBudget())
                    .withIterations(iterations != null ? iterations : rc.iterations(), rc.patience()));
            try (TrainingBar bar = new TrainingBar(spec, m.id(), 0)) {
                return ScheduleTraining.train(request, bar);
            }
        }
        ArtRlConfig config = artRlConfig(fine);
        request.optArtRl(config);
        try (TrainingBar bar = new TrainingBar(spec, "ART-RL", config.iterations())) {
            return ScheduleTraining.train(request, bar);
        }
    }

    /** The ART-RL settings: the preset's, with every option given on the command line applied on top. */
    private ArtRlConfig artRlConfig(int fine) {
        ArtRlConfig base = artRl.preset(seed).withTrainSteps(trainSteps != null ? trainSteps : steps)
                .withBatch(batch).withDistill(distill).withCheckpointEvery(checkpointEvery)
                .withGammaReference(rollouts != null ? rollouts : 256, fine);
        return artRl.apply(iterations != null ? base.withIterations(iterations) : base);
    }

    private static ScheduleTraining.Method method(String text) {
        try {
            return ScheduleTraining.Method.parse(text);
        } catch (ArtException e) {
            throw new ArtException("--method expected art-rl, closed-form, gits, refine or ppo, found '" + text + "'");
        }
    }
}
