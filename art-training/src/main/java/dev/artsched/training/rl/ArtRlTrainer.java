package dev.artsched.training.rl;

import dev.artsched.sampling.HeunLocalError;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.nn.Adam;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.FeatureMap;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.Checkpoint;
import dev.artsched.training.run.IterationStats;
import dev.artsched.training.run.MetricsWriter;
import dev.artsched.training.run.TrainingRun;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.nn.DjlRuntime;
import dev.artsched.training.nn.Mlp;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.Optimiser;
import dev.artsched.training.nn.OptimiserFactory;
import jakarta.inject.Inject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * ART-RL (docs/MATH.md section 3): an actor-critic for the exploratory ART problem with Gaussian policy
 * theta ~ N(m, lambda / max(|Q|, eps)). Each iteration rolls out B trajectories on the uniform clock grid
 * (one batched actor forward per clock step), forms the TD errors
 * delta_k = V_{k+1} - V_k - gamma theta_k dt - |Q_k| theta_k^2 dt with V = NN_c + lambda t and the pinned
 * terminal value V_K = (gamma + lambda) T, and takes one Adam step per network on the stop-gradient
 * pseudo-losses -sum NN_c delta and -sum log pi(theta) delta over the stacked [B*K, features] rows (averaged over
 * the batch), then gamma += a_gamma (sum theta dt - T). gamma starts at the gamma_0 rule and the actor at
 * theta ~ 1. The actor means of the last M trajectories are distilled into a fixed grid. Networks are float64
 * DJL/PyTorch MLPs. Not thread-safe; one run at a time per JVM (DJL allows one gradient collector).
 */
public final class ArtRlTrainer {
    private final ArtProblem problem;
    private final FeatureMap features;
    private final NetworkFactory networks;
    private final OptimiserFactory optimisers;

    /**
     * @param problem    model, T, sigma_min, initial states, |Q| norm
     * @param features   feature map fed to both networks
     * @param networks   actor/critic architecture
     * @param optimisers optimiser per network
     */
    @Inject
    public ArtRlTrainer(ArtProblem problem, FeatureMap features, NetworkFactory networks,
                        OptimiserFactory optimisers) {
        this.problem = Objects.requireNonNull(problem, "problem");
        this.features = Objects.requireNonNull(features, "features");
        this.networks = Objects.requireNonNull(networks, "networks");
        this.optimisers = Objects.requireNonNull(optimisers, "optimisers");
    }

    /** The problem this trainer optimises for. */
    public ArtProblem problem() {
        return problem;
    }

    /** The initial multiplier gamma_0 from reference rollouts (docs/MATH.md section 3; 1-D benchmark: about -0.75). */
    public static double initialGamma(ArtProblem problem, ArtRlConfig config) {
        return reference(problem, config).gamma0();
    }

    /** The reference rollouts behind gamma_0 and a relative lambda (seeded from the config). */
    static ReferenceRollouts reference(ArtProblem problem, ArtRlConfig config) {
        return reference(problem, config, null);
    }

    /** As {@link #reference(ArtProblem, ArtRlConfig)}, reporting fine-grid points done to {@code progress}. */
    static ReferenceRollouts reference(ArtProblem problem, ArtRlConfig config, IntConsumer progress) {
        return ReferenceRollouts.run(problem, config.gammaRollouts(), config.fineSteps(),
                new Rng(config.seed() ^ 0x5DEECE66DL), progress);
    }

    /** Trains with the given settings and returns the distilled grid at K = {@code config.trainSteps()}. */
    public ArtRlResult train(ArtRlConfig config, TrainingRun run) {
        return train(config, run, null);
    }

    /**
     * Trains for a solver: with the budget-exact clock and a Heun density ({@code heun} non-null) the prior is the
     * Heun closed form's grid and each step pays the Heun local error ({@link HeunLocalError}) instead of the
     * sqrt-|Q| Euler cost; with null (or the free clock) the Euler cost of the paper.
     */
    public ArtRlResult train(ArtRlConfig config, TrainingRun run, HeunClosedForm.Density heun) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(run, "run");
        int k = config.trainSteps();
        int b = config.batch();
        int d = problem.dim();
        int nf = features.size();
        FeatureMap actorFeatures = actorFeatures(config);
        double t = problem.sigmaMax();
        double dt = t / k;
        HeunLocalError heunCost = heun != null && config.budgetExact() ? new HeunLocalError(heun.sigmas(), heun.c(),
                heun.last()) : null;
        String fingerprint = fingerprint(config) + (heunCost != null ? " solver_cost=heun" : "");
        long startNanos = System.nanoTime();
        long calls0 = problem.model().calls();

        try (Mlp actor = networks.create(actorFeatures.size(), new Rng(config.seed() + 1));
             Mlp critic = networks.create(nf, new Rng(config.seed() + 2))) {
            boolean exact = config.budgetExact();
            actor.initOutputLayer(config.actorOutScale(), exact ? 0.0 : config.meanHead().biasFor(config.actorOutBias()));
            Optimiser actorOpt = optimisers.create("actor");
            Optimiser criticOpt = optimisers.create("critic");
            Rng rng = new Rng(config.seed());
            Distillation distillation = new Distillation(k, config.distill(), t);
            int iteration = 0;
            double gamma;
            double gamma0;
            double lambda;
            SpeedPrior prior = null;
            double costScale = 1.0;
            double[] snapshot = null;
            double previousSeconds = 0;
            long previousCalls = 0;
            int resumedFrom = 0;
            if (run.resume() && Files.exists(run.checkpoint())) {
                Checkpoint c = Checkpoint.read(run.checkpoint());
                if (!fingerprint.equals(c.fingerprint())) {
                    throw new ArtException("checkpoint " + run.checkpoint() + " does not match this run: "
                            + RunFingerprint.difference(c.fingerprint(), fingerprint)
                            + "; resume with the original model, JVP graph and settings, or start a fresh run");
                }
                if (c.iteration() > config.iterations()) {
                    throw new ArtException("checkpoint " + run.checkpoint() + " is past the requested run: expected "
                            + "at most " + config.iterations() + " iterations, found " + c.iteration());
                }
                try {
                    actor.setParameters(c.actor());
                    critic.setParameters(c.critic());
                    actorOpt.importState(c.actorOpt());
                    criticOpt.importState(c.criticOpt());
                    distillation.restore(c.distill());
                } catch (ArtException e) {
                    throw new ArtException("checkpoint " + run.checkpoint() + " does not fit these networks: "
                            + e.getMessage());
                }
                rng.setState(c.rngState());
                iteration = c.iteration();
                gamma = c.gamma();
                gamma0 = c.gamma0();
                lambda = c.lambda();
                if (Double.isNaN(lambda)) {
                    if (config.relativeLambda()) {
                        throw new ArtException("checkpoint " + run.checkpoint() + " predates relative lambdas: "
                                + "expected a recorded exploration level, found none; delete it or start a fresh run");
                    }
                    lambda = config.lambda();
                }
                if (config.closedFormPrior()) {
                    if (c.prior().length == 0) {
                        throw new ArtException("checkpoint " + run.checkpoint() + " holds no closed-form prior: "
                                + "expected one for the closed-form actor prior; delete it or start a fresh run");
                    }
                    double[][] table = c.prior();
                    if (exact && table.length < 3) {
                        throw new ArtException("checkpoint " + run.checkpoint() + " holds no cost scale: expected one "
                                + "for the budget-exact clock; delete it or start a fresh run");
                    }
                    prior = heunCost != null ? SpeedPrior.ofGrid(HeunClosedForm.sigmas(heun, k))
                            : SpeedPrior.restore(exact ? new double[][] {table[0], table[1]} : table);
                    if (exact) {
                        costScale = table[2][0];
                        snapshot = table.length > 3 ? table[3] : null;
                    }
                }
                previousSeconds = c.elapsedSeconds();
                previousCalls = c.calls();
                resumedFrom = iteration;
            } else {
                ReferenceRollouts ref = reference(problem, config, run.listener().rolloutProgress(config.fineSteps()));
                gamma0 = ref.gamma0();
                gamma = gamma0;
                double c = ref.rootScale();
                lambda = exact ? config.lambda() : effectiveLambda(config, ref);
                costScale = exact ? c * c : 1.0;
                // with the budget-exact clock the floor on mean |Q| is relative to the model's |Q| scale
                prior = config.closedFormPrior() ? SpeedPrior.closedForm(ref, exact ? config.eps() * c * c
                        : config.eps()) : null;
                if (heunCost != null) {
                    // the Heun closed form is the prior's u = 1 path; its cost per step is about one clock step
                    double[] grid = HeunClosedForm.sigmas(heun, k);
                    prior = SpeedPrior.ofGrid(grid);
                    costScale = heunCost.objective(grid) / t;
                }
            }

            Rollouts buf = new Rollouts(problem, features, actorFeatures, b, k);
            ActorCriticUpdate update = new ActorCriticUpdate(problem.sigmaMax(), features.size(), heunCost);
            int distillFrom = config.distillStart();
            int snapshotAt = exact ? (int) Math.ceil(0.9 * config.iterations()) : -1;
            if (run.metrics() != null && resumedFrom > 0) {
                MetricsWriter.truncateAfter(run.metrics(), resumedFrom);
            }
            MetricsWriter metrics = run.metrics() == null ? null : new MetricsWriter(run.metrics());
            try {
                while (iteration < config.iterations()) {
                    double lam = lambda * config.lambdaFactor(iteration);
                    buf.run(config, lam, prior, actor, rng, true);
                    ActorCriticUpdate.Losses losses = update.step(config, lam, actor, critic, actorOpt, criticOpt,
                            gamma, costScale, buf);
                    double budget = 0;
                    double meanBudget = 0;
                    for (int i = 0; i < b; i++) {
                        double st = 0;
                        double sm = 0;
                        for (int j = 0; j < k; j++) {
                            // the budget-exact clock executes the realised increments; its actions are log u
                            st += (exact ? buf.progress[i * k + j] : buf.theta[i * k + j]) * dt;
                            sm += (exact ? buf.progress[i * k + j] : buf.mean[i * k + j]) * dt;
                        }
                        budget += st - t;
                        meanBudget += sm;
                    }
                    budget /= b;
                    meanBudget /= b;
                    gamma += config.gammaStep() * budget;
                    if (!exact && iteration >= distillFrom) {
                        for (int i = 0; i < b; i++) {
                            distillation.add(buf.mean, i * k);
                        }
                    }
                    iteration++;
                    if (iteration == snapshotAt) {
                        snapshot = greedy(config, prior, actor, buf);
                    }
                    double elapsed = previousSeconds + (System.nanoTime() - startNanos) * 1e-9;
                    long calls = previousCalls + problem.model().calls() - calls0;
                    IterationStats stats = new IterationStats(iteration, config.iterations(), gamma, budget,
                            meanBudget, losses.meanTd(), losses.critic(), losses.actor(), calls, elapsed);
                    if (metrics != null) {
                        metrics.write(stats);
                    }
                    if (run.checkpoint() != null && (iteration % config.checkpointEvery() == 0
                            || iteration == config.iterations())) {
                        if (metrics != null) {
                            metrics.flush();
                        }
                        new Checkpoint(fingerprint, iteration, gamma, gamma0, rng.state(), calls, elapsed,
                                actor.parameters(), critic.parameters(), actorOpt.exportState(),
                                criticOpt.exportState(), distillation.export(), lambda,
                                priorBlock(prior, exact, costScale, snapshot)).write(run.checkpoint());
                        run.listener().onCheckpoint(iteration, run.checkpoint());
                    }
                    run.listener().onIteration(stats);
                }
            } finally {
                if (metrics != null) {
                    metrics.close();
                }
            }
            double[] learned = exact ? greedy(config, prior, actor, buf) : null;
            PriorGate gate = exact ? PriorGate.choose(problem, PriorGate.priorGrid(prior, t, k), learned,
                    heunCost != null, Math.min(PriorGate.ROLLOUTS, config.gammaRollouts()),
                    config.seed() ^ 0x2545F4914F6CDD1DL) : null;
            Distillation.Result distilled = exact ? new Distillation.Result(gate.sigmas(), b, 0)
                    : distillation.distil();
            double wall = previousSeconds + (System.nanoTime() - startNanos) * 1e-9;
            long calls = previousCalls + problem.model().calls() - calls0;
            Map<String, Object> training = provenance(config, lambda, gamma, gamma0, iteration, distilled, calls,
                    wall, resumedFrom, actorOpt);
            if (gate != null) {
                training.put("prior_gate", gate.describe());
            }
            Convergence diagnostics = Convergence.diagnose(problem, config, prior != null
                    ? PriorGate.priorGrid(prior, t, k) : ArtClosedForm.sigmas(reference(problem, config), k),
                    costScale, gate, distilled.sigmas(), learned, snapshot, buf);
            training.put("diagnostics", diagnostics.describe());
            run.listener().onNote(diagnostics.summary());
            return new ArtRlResult(distilled.sigmas(), gamma, gamma0, iteration, distilled.kept(),
                    distilled.dropped(), calls, wall, resumedFrom, training, diagnostics);
        }
    }


    /** The greedy policy's grid: its mean path of psi over B deterministic rollouts from held-out states. */
    private double[] greedy(ArtRlConfig config, SpeedPrior prior, Mlp actor, Rollouts buf) {
        int k = config.trainSteps();
        int b = config.batch();
        double t = problem.sigmaMax();
        buf.run(config, 0.0, prior, actor, new Rng(config.seed() ^ 0x9E3779B97F4A7C15L), false);
        double[] sigmas = new double[k + 1];
        sigmas[0] = t;
        for (int step = 1; step < k; step++) {
            double psi = 0;
            for (int i = 0; i < b; i++) {
                psi += buf.path[i * (k + 1) + step];
            }
            sigmas[step] = t - psi / b;
        }
        dev.artsched.scheduler.Schedule.validate(sigmas);
        return sigmas;
    }

    /** The prior as stored in checkpoints: {psi, speeds}, and for the budget-exact clock {cost scale}, snapshot. */
    private static double[][] priorBlock(SpeedPrior prior, boolean exact, double costScale, double[] snapshot) {
        if (prior == null) {
            return new double[0][];
        }
        double[][] table = prior.export();
        if (!exact) {
            return table;
        }
        return snapshot == null ? new double[][] {table[0], table[1], {costScale}}
                : new double[][] {table[0], table[1], {costScale}, snapshot};
    }

    private String fingerprint(ArtRlConfig c) {
        Map<String, Object> p = problem.provenance();
        return legacyFingerprint(c) + RunFingerprint.inputs(p.get("model_sha256"), p.get("jvp"),
                p.get("jvp_sha256"), problem.norm().id(), problem.initial().describe(), c.gammaRollouts(),
                c.fineSteps(), RunFingerprint.NO_CONDITIONING);
    }

    private String legacyFingerprint(ArtRlConfig c) {
        // the annealing enters only when it is on, so checkpoints written before it existed still resume
        String anneal = c.annealFactor() < 1 ? String.format(Locale.ROOT, " anneal=%s@%d/%d", c.annealFactor(),
                c.annealStart(), c.iterations()) : "";
        return String.format(Locale.ROOT,
                "K=%d B=%d lambda=%s%s prior=%s advantage=%s progress=%s cost=%s eps=%s gamma_step=%s M=%d seed=%d "
                        + "mean=%s actor=%s T=%s sigma_min=%s dim=%d features=%s networks=%dx%d model=%s",
                c.trainSteps(), c.batch(), c.lambda(), c.relativeLambda() ? "(relative)" : "",
                c.closedFormPrior() ? "closed-form" : "none", c.monteCarlo() ? "monte-carlo" : "td",
                c.realizedProgress() ? "realized" : "theta", c.trapezoidCost() ? "trapezoid" : "left", c.eps(),
                c.gammaStep(), c.distill(), c.seed(), c.meanHead().id(),
                actorFeatures(c).id(),
                problem.sigmaMax(), problem.sigmaMin(), problem.dim(), features.id(), networks.layers(),
                networks.width(), problem.provenance().getOrDefault("model", "?")) + anneal
                + (c.budgetExact() ? " clock=budget-exact" : " clock=free");
    }

    /** The actor's feature map: the clock features for a time-only actor, else the critic's. */
    private FeatureMap actorFeatures(ArtRlConfig config) {
        return config.timeOnlyActor() ? new TimeFeatureMap() : features;
    }

    /**
     * The exploration level in use: lambda itself, or for a relative lambda lambda c^2 with c the reference
     * rollouts' {@link ReferenceRollouts#rootScale()}.
     */
    static double effectiveLambda(ArtRlConfig config, ReferenceRollouts ref) {
        if (!config.relativeLambda()) {
            return config.lambda();
        }
        double c = ref.rootScale();
        double l = config.lambda() * c * c;
        if (!(l > 0) || !Double.isFinite(l)) {
            throw new ArtException("a relative lambda needs a positive, finite |Q| scale from the reference rollouts, "
                    + "found c = " + c + " (|Q| is zero or non-finite along the reference trajectories); "
                    + "expected c > 0, or use an absolute lambda");
        }
        return l;
    }

    private Map<String, Object> provenance(ArtRlConfig config, double lambda, double gamma, double gamma0,
                                           int iterations,
                                           Distillation.Result distilled, long calls, double wall, int resumedFrom,
                                           Optimiser opt) {
        Map<String, Object> m = new LinkedHashMap<>(problem.provenance());
        m.put("seed", config.seed());
        m.put("iterations", iterations);
        m.put("batch", config.batch());
        m.put("hyperparameters", config.describe());
        m.put("networks", networks.describe());
        m.put("optimiser", opt.describe());
        m.put("features", features.id());
        m.put("q_norm", problem.norm().id());
        m.put("jvp", problem.model().jvpStrategy());
        m.put("sigma_max", problem.sigmaMax());
        m.put("sigma_min", problem.sigmaMin());
        m.put("initial_state", problem.initial().describe());
        m.put("lambda_effective", lambda);
        m.put("actor_features", actorFeatures(config).id());
        m.put("gamma0", gamma0);
        m.put("final_gamma", gamma);
        m.put("distilled_kept", distilled.kept());
        m.put("distilled_dropped", distilled.dropped());
        m.put("denoiser_calls", calls);
        m.put("wall_seconds", wall);
        m.put("resumed_from", resumedFrom);
        m.put("engine", DjlRuntime.version());
        return m;
    }

}
