package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.MeanHead;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * The ART-RL options of {@code art train} whose defaults come from {@code --preset}: each one given on the command
 * line is applied on top of the preset's configuration.
 */
final class ArtRlOptions {
    @Option(names = "--preset", defaultValue = "robust", paramLabel = "P",
            description = "ART-RL settings the options below default to: robust (default: the budget-exact clock on "
                    + "the solver's closed form with lambda 0.1, time-only actor, log-speed head, Monte-Carlo advantage; "
                    + "--clock free: relative lambda 0.5, realised-progress reward, gamma fixed at gamma_0) "
                    + "or paper (the paper's: (t, x, psi) / summary actor, lambda 0.1, linear head, TD error, gamma "
                    + "step 1e-4). See docs/CLI.md.")
    String preset;

    @Option(names = "--lambda", paramLabel = "L",
            description = "ART-RL exploration level lambda (robust: 0.1, the variance of log u; robust with --clock "
                    + "free: 0.5, relative; paper: 0.1, absolute).")
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
                    + "then takes only those trajectories (default 1 = off; docs/BENCHMARKS.md has the measurements).")
    Double annealLambda;

    @Option(names = "--anneal-from", paramLabel = "P",
            description = "ART-RL: the fraction of the iterations after which the annealed lambda applies "
                    + "(default 0.7).")
    Double annealFrom;

    @Option(names = "--clock", paramLabel = "C",
            description = "ART-RL clock: exact (robust default: the actor moves on the closed-form prior's clock, every "
                    + "rollout spends exactly the budget, the grid never loses to the prior's on held-out rollouts; "
                    + "needs the closed-form prior) or free (the paper's: the actor chooses a speed, the budget is "
                    + "kept by gamma).")
    String clock;

    /** The preset's configuration (robust or paper). */
    ArtRlConfig preset(long seed) {
        return choice("--preset", preset, "robust", "paper") ? ArtRlConfig.robust(seed) : ArtRlConfig.paper(seed);
    }

    /** {@code c} with every option given on the command line applied. */
    ArtRlConfig apply(ArtRlConfig c) {
        c = c.withAnneal(annealLambda != null ? annealLambda : 1.0, annealFrom != null ? annealFrom : 0.7)
                .withTrapezoidCost(choice("--step-cost", stepCost, "trapezoid", "left"));
        if (lambda != null) {
            c = c.withLambda(lambda);
        }
        if (gammaStep != null) {
            c = c.withGammaStep(gammaStep);
        }
        if (actorMean != null) {
            c = c.withMeanHead(CliSupport.forOption("--actor-mean", () -> MeanHead.parse(actorMean)));
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
        if (clock != null) {
            boolean exact = choice("--clock", clock, "exact", "free");
            if (!exact && c.budgetExact() && lambda == null) {
                // the robust preset's free clock keeps its own, relative exploration level
                c = c.withLambda(ArtRlConfig.ROBUST_FREE_LAMBDA);
            }
            c = c.withBudgetExact(exact);
        }
        if (progressReward != null) {
            c = c.withRealizedProgress(choice("--progress-reward", progressReward, "realized", "theta"));
        }
        return c;
    }

    /** true for {@code yes}, false for {@code no}, else one error naming the option. */
    static boolean choice(String option, String value, String yes, String no) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals(yes) || v.equals(no)) {
            return v.equals(yes);
        }
        throw new ArtException(option + " expected " + no + " or " + yes + ", found '" + value + "'");
    }
}
