package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.TrainingModules;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.refine.Refine;
import picocli.CommandLine.Command;
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
 * {@code art train}: learns a timestep grid for a denoiser with ART-RL (actor-critic, ART.md section 3) or the
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
            description = "ART-RL feature map: auto (t-x-psi in 1-D, else summary6), t-x-psi or summary6.")
    String features;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Steps N of the output grid.")
    int steps;

    @Option(names = "--solver", required = true, paramLabel = "SOLVER", description = "euler or heun.")
    String solver;

    @Option(names = "--method", defaultValue = "art-rl", paramLabel = "METHOD",
            description = "art-rl (default), closed-form (for heun the solver-aware rule), gits or refine.")
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

    @Option(names = "--preset", defaultValue = "robust", paramLabel = "P",
            description = "ART-RL settings the options below default to: robust (default: time-only actor, relative "
                    + "lambda 0.5, log-speed head, closed-form prior, Monte-Carlo advantage, realised-progress reward, gamma "
                    + "fixed at gamma_0) "
                    + "or paper (the paper's: (t, x, psi) / summary actor, lambda 0.1, linear head, TD error, gamma "
                    + "step 1e-4). See docs/CLI.md.")
    String preset;

    @Option(names = "--lambda", paramLabel = "L",
            description = "ART-RL exploration level lambda (robust: 0.5, relative; paper: 0.1, absolute).")
    Double lambda;

    @Option(names = "--actor-mean", paramLabel = "H",
            description = "ART-RL actor mean head: linear (paper), softplus or exp (robust; log-speed, reaches "
                    + "speeds that span decades).")
    String actorMean;

    @Option(names = "--actor-inputs", paramLabel = "A",
            description = "ART-RL actor inputs: all (the critic's features; paper) or time (t, psi, log s only; "
                    + "robust: targets the best fixed grid).")
    String actorInputs;

    @Option(names = "--lambda-mode", paramLabel = "M",
            description = "absolute (paper) or relative (robust): lambda is scaled by c^2, c = mean sqrt|Q| over the "
                    + "reference rollouts, so sqrt(lambda) is the exploration std relative to the optimal clock "
                    + "speed whatever the model's |Q| scale.")
    String lambdaMode;

    @Option(names = "--actor-prior", paramLabel = "P",
            description = "none (paper) or closed-form (robust): the actor's mean is the closed-form speed (from the "
                    + "gamma_0 reference rollouts) times the network's output, so training starts at the "
                    + "closed-form grid.")
    String actorPrior;

    @Option(names = "--advantage", paramLabel = "A",
            description = "td (the paper's TD error) or monte-carlo (robust: the rollout's return minus the critic, "
                    + "unbiased where the ART cost is flat).")
    String advantage;

    @Option(names = "--progress-reward", paramLabel = "R",
            description = "theta (the paper's -gamma theta dt) or realized (robust: -gamma times the realised, clipped "
                    + "increment of psi, so overshooting T earns nothing).")
    String progressReward;

    @Option(names = "--step-cost", defaultValue = "left", paramLabel = "C",
            description = "left (the paper's |Q_k| theta^2 dt; default in both presets) or trapezoid "
                    + "((|Q_k| + |Q_k+1|) / 2 theta^2 dt, one extra JVP call per rollout; measured no better).")
    String stepCost;

    @Option(names = "--gamma-step", paramLabel = "A",
            description = "ART-RL step of the budget multiplier gamma (robust: 0, gamma stays at gamma_0, the "
                    + "multiplier of the closed-form optimum; paper: 1e-4).")
    Double gammaStep;

    @Option(names = "--anneal-lambda", paramLabel = "F",
            description = "ART-RL: multiply lambda by F in (0, 1] for the last part of training; the distillation "
                    + "then takes only those trajectories (default 1 = off; docs/CLI.md has the measurements).")
    Double annealLambda;

    @Option(names = "--anneal-from", paramLabel = "P",
            description = "ART-RL: the fraction of the iterations after which the annealed lambda applies "
                    + "(default 0.7).")
    Double annealFrom;

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

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "ART-RL checkpoint (default OUT.ckpt).")
    Path checkpoint;

    @Option(names = "--checkpoint-every", defaultValue = "250", paramLabel = "I",
            description = "Iterations between checkpoints (default ${DEFAULT-VALUE}).")
    int checkpointEvery;

    @Option(names = "--metrics", paramLabel = "FILE",
            description = "JSON-lines metrics of every iteration (default OUT.metrics.jsonl).")
    Path metrics;

    @Option(names = "--resume", description = "Continue from the checkpoint if it exists.")
    boolean resume;

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

    @Override
    public Integer call() {
        return CliSupport.run(spec, this::execute);
    }

    private Integer execute() {
        Solver sol = Solver.parse(solver);
        ScheduleTraining.Method m = method(method);
        if (steps < 1) {
            throw new ArtException("--steps must be >= 1, found " + steps);
        }
        int fine = fineSteps != null ? fineSteps : ScheduleTraining.FINE_STEPS;
        if (fine < 1 || (rollouts != null && rollouts < 1)) {
            throw new ArtException("--rollouts and --fine-steps must be >= 1, found " + rollouts + " and " + fine);
        }
        ScheduleTraining.Request request = ScheduleTraining.request(denoiser, steps, sol, m, out).optJvpGraph(jvp)
                .optFeatures(features).optName(name).optSeed(seed).optReference(rollouts, fine)
                .optSigmaRange(sigmaMax, sigmaMin).optRunFiles(checkpoint, metrics).optResume(resume);
        if (jvpStrategy != null) {
            request.optJvpStrategy(CliSupport.forOption("--jvp-strategy",
                    () -> TrainingModules.JvpStrategy.parse(jvpStrategy)));
        }
        if (request.jvpStrategy() == TrainingModules.JvpStrategy.GRAPH && jvp == null
                && !denoiser.trim().startsWith("analytic:")) {
            throw new ArtException("the ONNX denoiser " + denoiser + " needs --jvp FILE (its exported JVP graph) for "
                    + "the graph strategy; found none (use --jvp-strategy fd for finite differences)");
        }
        ScheduleTraining.Result result;
        if (m != ScheduleTraining.Method.ART_RL) {
            Gits.Config g = Gits.Config.defaults(seed);
            request.optGits(new Gits.Config(teacherSteps != null ? teacherSteps : g.teacherSteps(), g.substeps(),
                    warmup != null ? warmup : g.warmup(), gitsCoeff != null ? gitsCoeff : g.coeff(), seed));
            Refine.Config rc = Refine.Config.defaults(seed).withNoises(refineNoises != null ? refineNoises : 0,
                    minibatch != null ? minibatch : 64);
            request.optRefine(rc.withGradient(rc.gradient(), fdBudget != null ? fdBudget : rc.fdBudget())
                    .withIterations(iterations != null ? iterations : rc.iterations(), rc.patience()));
            try (TrainingBar bar = new TrainingBar(spec, m.id(), 0)) {
                result = ScheduleTraining.train(request, bar);
            }
        } else {
            ArtRlConfig config = artRlConfig(fine);
            request.optArtRl(config);
            try (TrainingBar bar = new TrainingBar(spec, "ART-RL", config.iterations())) {
                result = ScheduleTraining.train(request, bar);
            }
        }
        ScheduleFile file = result.file();
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
            j.put("wall_seconds", file.training().get("wall_seconds"));
            CliSupport.printJson(o, j);
        } else {
            o.printf(Locale.ROOT, "wrote %s (%s, %s, N = %d): %s%n", out, file.method(), sol.id(), steps,
                    ScheduleTraining.format(file.sigmas()));
            o.flush();
        }
        return CliSupport.OK;
    }

    /** The ART-RL settings: the preset's, with every option given on the command line applied on top. */
    private ArtRlConfig artRlConfig(int fine) {
        boolean robust = choice("--preset", preset, "robust", "paper");
        ArtRlConfig c = (robust ? ArtRlConfig.robust(seed) : ArtRlConfig.paper(seed))
                .withTrainSteps(trainSteps != null ? trainSteps : steps).withBatch(batch).withDistill(distill)
                .withCheckpointEvery(checkpointEvery)
                .withGammaReference(rollouts != null ? rollouts : 256, fine)
                .withAnneal(annealLambda != null ? annealLambda : 1.0, annealFrom != null ? annealFrom : 0.7)
                .withTrapezoidCost(choice("--step-cost", stepCost, "trapezoid", "left"));
        if (iterations != null) {
            c = c.withIterations(iterations);
        }
        if (lambda != null) {
            c = c.withLambda(lambda);
        }
        if (gammaStep != null) {
            c = c.withGammaStep(gammaStep);
        }
        if (actorMean != null) {
            c = c.withMeanHead(CliSupport.forOption("--actor-mean", () -> ArtRlConfig.MeanHead.parse(actorMean)));
        }
        if (actorInputs != null) {
            c = c.withTimeOnlyActor(choice("--actor-inputs", actorInputs, "time", "all"));
        }
        if (lambdaMode != null) {
            c = c.withRelativeLambda(choice("--lambda-mode", lambdaMode, "relative", "absolute"));
        }
        if (actorPrior != null) {
            c = c.withClosedFormPrior(choice("--actor-prior", actorPrior, "closed-form", "none"));
        }
        if (advantage != null) {
            c = c.withMonteCarlo(choice("--advantage", advantage, "monte-carlo", "td"));
        }
        if (progressReward != null) {
            c = c.withRealizedProgress(choice("--progress-reward", progressReward, "realized", "theta"));
        }
        return c;
    }

    private static ScheduleTraining.Method method(String text) {
        try {
            return ScheduleTraining.Method.parse(text);
        } catch (ArtException e) {
            throw new ArtException("--method expected art-rl, closed-form, gits or refine, found '" + text + "'");
        }
    }

    /** true for {@code yes}, false for {@code no}, else one error naming the option. */
    private static boolean choice(String option, String value, String yes, String no) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals(yes) || v.equals(no)) {
            return v.equals(yes);
        }
        throw new ArtException(option + " expected " + no + " or " + yes + ", found '" + value + "'");
    }
}
