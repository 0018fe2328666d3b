package dev.artsched.training.rl;

import dev.artsched.training.nn.Adam;
import dev.artsched.scheduler.ArtException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of one ART-RL run (docs/MATH.md section 3 and App. C of the paper). {@link #paper(long)} gives the
 * verified defaults: K = 100, 5000 iterations, B = 16, lambda = 0.1, eps = 1e-6, gamma step 1e-4, M = 10,000
 * distilled trajectories, gamma_0 from 256 rollouts on a 1000-step reference grid, actor output layer x0.01 with
 * bias 1, a checkpoint every 250 iterations.
 *
 * @param trainSteps      K, clock steps per rollout
 * @param iterations      total iterations
 * @param batch           B, rollouts per iteration
 * @param lambda          exploration level of the Gaussian policy, > 0
 * @param eps             floor of |Q| in the policy variance
 * @param gammaStep       step of the multiplier update
 * @param distill         M, trajectories distilled from the end of training
 * @param gammaRollouts   reference rollouts for gamma_0
 * @param fineSteps       steps of the reference grid for gamma_0
 * @param actorOutScale   factor on the actor's output-layer weights at start
 * @param actorOutBias    the actor's output bias at start (theta ~ 1)
 * @param checkpointEvery iterations between checkpoints
 * @param seed            seed of every random draw
 * @param meanHead        the actor's output head: linear (the paper's), softplus or exp; the output bias starts
 *                        where the head gives theta = actorOutBias
 * @param timeOnlyActor   the actor sees only the clock features (t/T, psi/T, log s) while the critic keeps the full
 *                        feature map: the policy then targets the best fixed grid directly (docs/MATH.md section 3
 *                        caveat) instead of a per-trajectory speed that distillation averages away
 * @param relativeLambda  lambda is relative [decision]: the policy variance is lambda c^2 / max(|Q|, eps) with
 *                        c = (1/T) integral_0^T sqrt(mean |Q|) dpsi from the gamma_0 reference rollouts. For the
 *                        time-only optimum theta* = c / sqrt(|Q|), so the exploration std is sqrt(lambda) theta*
 *                        at every step, whatever the scale of |Q| (which spans decades between models)
 * @param closedFormPrior the actor's mean is theta_cf(psi) times the head's output, theta_cf = c / sqrt(mean |Q|)
 *                        the closed-form speed from the gamma_0 reference rollouts [decision]: the policy starts at
 *                        the closed-form grid instead of Uniform and the networks learn the correction. Where |Q| is
 *                        tiny the ART cost is nearly flat in theta, so the speed there is set by the critic's
 *                        small errors amplified by 1/|Q|; the prior keeps that flat region at the closed form's
 *                        answer
 * @param monteCarlo      both updates use the Monte-Carlo advantage G_k - V_k (G_k the rollout's return from step k
 *                        with the pinned terminal value) instead of the TD error delta_k [decision]: the sum of
 *                        the TD errors from k on, so the actor's gradient no longer inherits the critic's bias
 *                        where the cost is flat; the critic becomes a baseline
 * @param realizedProgress the reward pays -gamma times the realised, clipped progress of psi instead of theta dt
 * @param trapezoidCost   the step cost uses the mean of |Q| at both ends of the step instead of the left end
 * @param annealFactor    in (0, 1]: from iteration {@code ceil(annealFrom * iterations)} on, lambda is multiplied by
 *                        this factor (opt-in; 1 = no annealing, the paper's and both presets' default). Theorem 3.2
 *                        (the optimal mean does not depend on lambda) holds in continuous time; on a K-step clock the
 *                        exploration noise spreads psi across rollouts, and finishing at a small lambda pulls the
 *                        learned grid towards the closed form's (docs/BENCHMARKS.md)
 * @param annealFrom      in [0, 1]: the fraction of the iterations after which the annealed lambda applies; the
 *                        distillation then takes only trajectories of the annealed phase ({@link #distillStart()})
 * @param budgetExact     the actor moves on the closed-form prior's clock instead of choosing a free speed: its
 *                        output is the log of a multiplier u of the uniform share of the remaining prior clock
 *                        (u = 1 follows the closed-form grid), the last step takes the rest, so every rollout
 *                        spends exactly the budget T; the exploration is Gaussian in log u with variance lambda,
 *                        the step cost |Q| theta^2 dt is divided by c^2, and neither gamma nor the distillation's
 *                        normalisation is needed: the grid is the mean policy's deterministic path [decision]
 */
public record ArtRlConfig(int trainSteps, int iterations, int batch, double lambda, double eps, double gammaStep,
                          int distill, int gammaRollouts, int fineSteps, double actorOutScale, double actorOutBias,
                          int checkpointEvery, long seed, MeanHead meanHead, boolean timeOnlyActor,
                          boolean relativeLambda, boolean closedFormPrior, boolean monteCarlo,
                          boolean realizedProgress, boolean trapezoidCost, double annealFactor, double annealFrom,
                          boolean budgetExact) {

    /** Iterations of the robust preset. */
    public static final int ROBUST_ITERATIONS = 7000;
    /** The exploration level of the robust preset's free clock ({@code --clock free}), relative to c^2. */
    public static final double ROBUST_FREE_LAMBDA = 0.5;

    /** Largest number of distilled trajectories M. */
    public static final int MAX_DISTILL = 1_000_000;
    /** Largest number of rollouts per iteration B. */
    public static final int MAX_BATCH = 65_536;
    /** Largest number of reference rollouts for gamma_0. */
    public static final int MAX_ROLLOUTS = 1_000_000;

    /** Validates. */
    public ArtRlConfig {
        java.util.Objects.requireNonNull(meanHead, "meanHead");
        range("train steps K", trainSteps, dev.artsched.scheduler.Schedule.MAX_STEPS);
        range("iterations", iterations, Integer.MAX_VALUE);
        range("batch", batch, MAX_BATCH);
        range("distilled trajectories M", distill, MAX_DISTILL);
        range("gamma rollouts", gammaRollouts, MAX_ROLLOUTS);
        range("fine steps", fineSteps, dev.artsched.scheduler.Schedule.MAX_STEPS);
        range("checkpoint interval", checkpointEvery, Integer.MAX_VALUE);
        if (!(lambda > 0) || !Double.isFinite(lambda)) {
            throw new ArtException("lambda must be finite and > 0, found " + lambda);
        }
        if (!(annealFactor > 0 && annealFactor <= 1) || !(annealFrom >= 0 && annealFrom <= 1)) {
            throw new ArtException("the lambda annealing needs a factor in (0, 1] and a start fraction in [0, 1], "
                    + "found factor " + annealFactor + ", start " + annealFrom);
        }
        if (budgetExact && !closedFormPrior) {
            throw new ArtException("the budget-exact clock moves on the closed-form prior's clock: expected the "
                    + "closed-form prior with it, found none");
        }
        if (!(eps > 0) || !(gammaStep >= 0) || !Double.isFinite(gammaStep)) {
            throw new ArtException("eps must be > 0 and the gamma step finite and >= 0, found eps = " + eps
                    + ", gamma step = " + gammaStep);
        }
    }

    private static void range(String what, int v, int max) {
        if (v < 1 || v > max) {
            throw new ArtException(what + " must be " + (max == Integer.MAX_VALUE ? ">= 1" : "in [1, " + max + "]")
                    + ", found " + v);
        }
    }

    /** The verified paper defaults with the given seed. */
    public static ArtRlConfig paper(long seed) {
        return new ArtRlConfig(100, 5000, 16, 0.1, 1e-6, 1e-4, 10_000, 256, 1000, 0.01, 1.0, 250, seed,
                MeanHead.LINEAR, false, false, false, false, false, false, 1.0, 1.0, false);
    }

    /**
     * The robust preset: the paper's recipe with the departures measured to hold when |Q| spans decades: the
     * budget-exact clock on the closed-form prior (lambda 0.1, the variance of log u; for Heun the Heun closed form
     * and the Heun local error, {@link ArtRlTrainer#train(ArtRlConfig, dev.artsched.training.run.TrainingRun,
     * dev.artsched.training.closedform.HeunClosedForm.Density)}), a time-only actor with a log-speed head, the
     * Monte-Carlo advantage and {@link #ROBUST_ITERATIONS} iterations. With {@code withBudgetExact(false)} and
     * {@code withLambda(ROBUST_FREE_LAMBDA)} it is the free-clock robust recipe (lambda relative to c^2, the
     * realised-progress reward with gamma fixed at gamma_0).
     */
    public static ArtRlConfig robust(long seed) {
        return paper(seed).withIterations(ROBUST_ITERATIONS).withLambda(0.1).withGammaStep(0.0)
                .withMeanHead(MeanHead.EXP).withTimeOnlyActor(true).withRelativeLambda(true).withClosedFormPrior(true)
                .withMonteCarlo(true).withRealizedProgress(true).withBudgetExact(true);
    }

    /** A copy with another K. */
    public ArtRlConfig withTrainSteps(int k) {
        Builder c = copy();
        c.trainSteps = k;
        return c.build();
    }

    /** A copy with another reference for gamma_0: {@code rollouts} trajectories on a {@code fine}-step grid. */
    public ArtRlConfig withGammaReference(int rollouts, int fine) {
        Builder c = copy();
        c.gammaRollouts = rollouts;
        c.fineSteps = fine;
        return c.build();
    }

    /** A copy with another iteration count. */
    public ArtRlConfig withIterations(int n) {
        Builder c = copy();
        c.iterations = n;
        return c.build();
    }

    /** A copy with another batch size. */
    public ArtRlConfig withBatch(int b) {
        Builder c = copy();
        c.batch = b;
        return c.build();
    }

    /** A copy with another number of distilled trajectories. */
    public ArtRlConfig withDistill(int m) {
        Builder c = copy();
        c.distill = m;
        return c.build();
    }

    /** A copy with another checkpoint interval. */
    public ArtRlConfig withCheckpointEvery(int n) {
        Builder c = copy();
        c.checkpointEvery = n;
        return c.build();
    }

    /** A copy with another exploration level lambda. */
    public ArtRlConfig withLambda(double l) {
        Builder c = copy();
        c.lambda = l;
        return c.build();
    }

    /** A copy with another multiplier step a_gamma. */
    public ArtRlConfig withGammaStep(double a) {
        Builder c = copy();
        c.gammaStep = a;
        return c.build();
    }

    /** A copy with another actor mean head. */
    public ArtRlConfig withMeanHead(MeanHead head) {
        Builder c = copy();
        c.meanHead = head;
        return c.build();
    }

    /** A copy with an actor that sees only the clock features (true) or the full feature map (false, the paper's). */
    public ArtRlConfig withTimeOnlyActor(boolean timeOnly) {
        Builder c = copy();
        c.timeOnlyActor = timeOnly;
        return c.build();
    }

    /** A copy with lambda relative to the reference |Q| scale (true) or absolute (false, the paper's). */
    public ArtRlConfig withRelativeLambda(boolean relative) {
        Builder c = copy();
        c.relativeLambda = relative;
        return c.build();
    }

    /** A copy with the actor mean as the closed-form speed times the head's output (true), or the head alone. */
    public ArtRlConfig withClosedFormPrior(boolean prior) {
        Builder c = copy();
        c.closedFormPrior = prior;
        return c.build();
    }

    /** A copy with updates from the Monte-Carlo advantage (true) or the paper's TD error (false). */
    public ArtRlConfig withMonteCarlo(boolean mc) {
        Builder c = copy();
        c.monteCarlo = mc;
        return c.build();
    }

    /** A copy with a reward for the realised progress of psi (true) or for theta dt (false, the paper's). */
    public ArtRlConfig withRealizedProgress(boolean realized) {
        Builder c = copy();
        c.realizedProgress = realized;
        return c.build();
    }

    /** A copy with the trapezoid step cost (true) or the paper's left-point cost (false). */
    public ArtRlConfig withTrapezoidCost(boolean trapezoid) {
        Builder c = copy();
        c.trapezoidCost = trapezoid;
        return c.build();
    }

    /** A copy whose lambda is multiplied by {@code factor} from the fraction {@code from} of the iterations on. */
    public ArtRlConfig withAnneal(double factor, double from) {
        Builder c = copy();
        c.annealFactor = factor;
        c.annealFrom = from;
        return c.build();
    }

    /** A copy with the budget-exact prior clock (true) or a free clock speed (false). */
    public ArtRlConfig withBudgetExact(boolean exact) {
        Builder c = copy();
        c.budgetExact = exact;
        return c.build();
    }

    /** The first iteration (0-based) that uses the annealed lambda; {@code iterations} when there is none. */
    public int annealStart() {
        return annealFactor < 1 ? (int) Math.ceil(annealFrom * iterations) : iterations;
    }

    /**
     * The first iteration (0-based) whose trajectories are distilled: the last {@link #distillIterations()}, and
     * with annealing none from before {@link #annealStart()}, so the grid holds only means learned at the final
     * exploration level.
     */
    public int distillStart() {
        int last = Math.max(0, iterations - distillIterations());
        return annealFactor < 1 ? Math.max(last, annealStart()) : last;
    }

    /** The factor on lambda at the 0-based {@code iteration}: {@code annealFactor} from {@link #annealStart()} on. */
    public double lambdaFactor(int iteration) {
        return iteration >= annealStart() ? annealFactor : 1.0;
    }

    /** A copy with another seed. */
    public ArtRlConfig withSeed(long s) {
        Builder c = copy();
        c.seed = s;
        return c.build();
    }

    /** Iterations at the end of training whose trajectories feed the distillation: ceil(M / B). */
    public int distillIterations() {
        return (distill + batch - 1) / batch;
    }

    /** The hyperparameters as a map, for provenance. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("train_steps", trainSteps);
        d.put("iterations", iterations);
        d.put("batch", batch);
        d.put("lambda", lambda);
        d.put("eps", eps);
        d.put("gamma_step", gammaStep);
        d.put("distill_trajectories", distill);
        d.put("gamma0_rollouts", gammaRollouts);
        d.put("gamma0_fine_steps", fineSteps);
        d.put("actor_output_scale", actorOutScale);
        d.put("actor_output_bias", actorOutBias);
        d.put("checkpoint_every", checkpointEvery);
        d.put("actor_mean", meanHead.id());
        d.put("actor_inputs", timeOnlyActor ? "time" : "all");
        d.put("lambda_mode", relativeLambda ? "relative" : "absolute");
        d.put("actor_prior", closedFormPrior ? "closed-form" : "none");
        d.put("advantage", monteCarlo ? "monte-carlo" : "td");
        d.put("progress_reward", realizedProgress ? "realized" : "theta");
        d.put("step_cost", trapezoidCost ? "trapezoid" : "left");
        d.put("lambda_anneal_factor", annealFactor);
        d.put("lambda_anneal_from", annealFrom);
        d.put("clock", budgetExact ? "budget-exact" : "free");
        return d;
    }

    private Builder copy() {
        return new Builder(this);
    }

    /** Mutable field-by-field copy behind the {@code with*} methods: one place lists every field. */
    private static final class Builder {
        private int trainSteps;
        private int iterations;
        private int batch;
        private double lambda;
        private double eps;
        private double gammaStep;
        private int distill;
        private int gammaRollouts;
        private int fineSteps;
        private double actorOutScale;
        private double actorOutBias;
        private int checkpointEvery;
        private long seed;
        private MeanHead meanHead;
        private boolean timeOnlyActor;
        private boolean relativeLambda;
        private boolean closedFormPrior;
        private boolean monteCarlo;
        private boolean realizedProgress;
        private boolean trapezoidCost;
        private double annealFactor;
        private double annealFrom;
        private boolean budgetExact;

        private Builder(ArtRlConfig c) {
            trainSteps = c.trainSteps;
            iterations = c.iterations;
            batch = c.batch;
            lambda = c.lambda;
            eps = c.eps;
            gammaStep = c.gammaStep;
            distill = c.distill;
            gammaRollouts = c.gammaRollouts;
            fineSteps = c.fineSteps;
            actorOutScale = c.actorOutScale;
            actorOutBias = c.actorOutBias;
            checkpointEvery = c.checkpointEvery;
            seed = c.seed;
            meanHead = c.meanHead;
            timeOnlyActor = c.timeOnlyActor;
            relativeLambda = c.relativeLambda;
            closedFormPrior = c.closedFormPrior;
            monteCarlo = c.monteCarlo;
            realizedProgress = c.realizedProgress;
            trapezoidCost = c.trapezoidCost;
            annealFactor = c.annealFactor;
            annealFrom = c.annealFrom;
            budgetExact = c.budgetExact;
        }

        private ArtRlConfig build() {
            return new ArtRlConfig(trainSteps, iterations, batch, lambda, eps, gammaStep, distill, gammaRollouts,
                    fineSteps, actorOutScale, actorOutBias, checkpointEvery, seed, meanHead, timeOnlyActor,
                    relativeLambda, closedFormPrior, monteCarlo, realizedProgress, trapezoidCost, annealFactor,
                    annealFrom, budgetExact);
        }
    }
}
