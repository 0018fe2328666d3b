package dev.artsched.training.ppo;

import dev.artsched.eval.EvalPlots;
import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.OnnxFeatureExtractor;
import dev.artsched.eval.reward.FeatureBank;
import dev.artsched.eval.reward.PearsonReward;
import dev.artsched.eval.reward.SamplingEnv;
import dev.artsched.internal.AtomicFiles;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.adaptive.NoiseLevelMap;
import dev.artsched.scheduler.adaptive.StepRule;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.GridSolver;
import dev.artsched.training.run.TrainingListener;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The PPO method as the schedule-training service runs it: the real-feature bank (a {@code .npz} file, or for an
 * analytic mixture points drawn from its data distribution), the feature map (an ONNX feature graph, or the
 * identity), the environment on the log-sigma map of the model's range, the training, the ONNX policy written
 * beside the schedule, and the provenance.
 */
public final class PpoMethod {
    /** Real points drawn for an analytic mixture's bank. */
    public static final int ANALYTIC_BANK = 4096;

    private PpoMethod() {
    }

    /**
     * What the PPO method needs beyond the common request.
     *
     * @param config        the learner's settings
     * @param realFeatures  a {@code .npz} with an array {@code features} [M, F] (null: analytic mixtures only)
     * @param featuresModel an ONNX feature graph mapping samples to the bank's features (null: identity)
     * @param policyOut     where to write the ONNX policy (null: OUT.policy.onnx)
     * @param similarity    the reward's similarity (null: Pearson)
     */
    public record Settings(PpoConfig config, Path realFeatures, Path featuresModel, Path policyOut,
                           PearsonReward.Similarity similarity) {
    }

    /** A grid and its provenance. */
    public record Outcome(double[] sigmas, Map<String, Object> training) {
    }

    /** Trains on {@code denoiser} (analytic name if any) and writes the policy graph. */
    public static Outcome train(Denoiser denoiser, Optional<String> analytic, double sigmaMax, double sigmaMin,
                                Solver solver, int steps, Settings s, Path out, Path checkpoint, boolean resume,
                                TrainingListener l) {
        PpoConfig c = s.config() != null ? s.config() : PpoConfig.defaults(0);
        FeatureBank bank = bank(denoiser, analytic, s.realFeatures(), c.seed());
        try (FeatureExtractor features = s.featuresModel() != null ? OnnxFeatureExtractor.load(s.featuresModel())
                : FeatureExtractor.identity(denoiser.sampleSize())) {
            double sigmaData = denoiser.sigmaData().orElse(s.featuresModel() == null ? bank.meanStd() : 0.5);
            StepRule rule = StepRule.of(new NoiseLevelMap(sigmaMin, sigmaMax), solver, solver.nfe(steps));
            PearsonReward.Similarity similarity = similarity(s.similarity(), features.featureSize(), l);
            SamplingEnv env = new SamplingEnv(denoiser, rule, features, new PearsonReward(bank, similarity),
                    c.realBatch(), sigmaData > 0 ? sigmaData : 1.0);
            PpoTrainer.Result r = PpoTrainer.train(env, GridSolver.edmGrid(sigmaMax, sigmaMin, steps, 7.0), c,
                    checkpoint, resume, l);
            Path policy = policyPath(out, s.policyOut());
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("art.policy", "ppo");
            meta.put("art.sigma_min", Double.toString(sigmaMin));
            meta.put("art.sigma_max", Double.toString(sigmaMax));
            meta.put("art.sigma_data", Double.toString(sigmaData));
            meta.put("art.budget_steps", Integer.toString(steps));
            meta.put("art.budget_nfe", Integer.toString(rule.budgetNfe()));
            meta.put("art.solver", solver.id());
            try {
                AtomicFiles.write(policy, r.weights().toOnnx(denoiser.sampleShape(), meta), "policy graph");
            } catch (UncheckedIOException e) {
                throw new ArtException(e.getMessage(), e);
            }
            Map<String, Object> training = new LinkedHashMap<>(r.training());
            training.put("policy_graph", policy.toString());
            if (r.rewardCurve().length > 0) {
                Path png = rewardPlot(policy);
                EvalPlots.curve("PPO scheduler: mean terminal reward", "reward", r.rewardCurve(), png);
                training.put("reward_plot", png.toString());
            }
            training.put("real_features", s.realFeatures() != null ? s.realFeatures().toString()
                    : "analytic data, " + bank.rows() + " points");
            training.put("features", s.featuresModel() != null ? s.featuresModel().toString() : "identity");
            training.put("sigma_data", sigmaData);
            training.put("similarity", env.similarity().name().toLowerCase(java.util.Locale.ROOT));
            training.put("checkpoint", String.valueOf(checkpoint));
            return new Outcome(r.sigmas(), training);
        }
    }

    /**
     * The reward's similarity: the one asked for, or (null) Pearson unless the features have at most two values,
     * where the correlation centred over them is constant (always 0 for one value, always +-1 for two) and gives
     * PPO no signal: then the distance similarity, with a note. Asking for Pearson there is an error.
     */
    static PearsonReward.Similarity similarity(PearsonReward.Similarity asked, int featureSize,
                                               TrainingListener l) {
        if (featureSize > 2) {
            return asked != null ? asked : PearsonReward.Similarity.PEARSON;
        }
        if (asked == PearsonReward.Similarity.PEARSON) {
            throw new ArtException("--reward pearson expected feature vectors of at least 3 values, found "
                    + featureSize + ": the correlation centred over " + featureSize + (featureSize == 1
                    ? " value is always 0" : " values is always +1 or -1") + " and gives PPO no signal; use "
                    + "--reward distance, or a feature graph with more outputs");
        }
        if (asked == null) {
            l.onNote("the features have " + featureSize + (featureSize == 1 ? " value" : " values")
                    + ", where the Pearson reward is constant: using --reward distance");
        }
        return PearsonReward.Similarity.DISTANCE;
    }

    /** Where the policy graph goes: {@code policyOut}, else OUT without {@code .json} plus {@code .policy.onnx}. */
    public static Path policyPath(Path out, Path policyOut) {
        return policyOut != null ? policyOut
                : out.resolveSibling(out.getFileName().toString().replaceAll("\\.json$", "") + ".policy.onnx");
    }

    /** The reward-curve plot beside the policy graph: its name without {@code .onnx} plus {@code .reward.png}. */
    public static Path rewardPlot(Path policy) {
        return policy.resolveSibling(policy.getFileName().toString().replaceAll("(\\.policy)?\\.onnx$", "")
                + ".reward.png");
    }

    /** The bank: the file, or points drawn from an analytic mixture. */
    static FeatureBank bank(Denoiser denoiser, Optional<String> analytic, Path file, long seed) {
        if (file != null) {
            return FeatureBank.read(file);
        }
        if (analytic.isPresent() && AnalyticModels.denoiser(analytic.get()) instanceof GaussianMixtureDenoiser g) {
            return new FeatureBank(g.sampleData(ANALYTIC_BANK, seed ^ 0xBA4CL), ANALYTIC_BANK, g.sampleSize());
        }
        throw new ArtException("the PPO method needs real data: expected --real-features FILE (a .npz with an "
                + "array 'features') for this model, found none");
    }
}
