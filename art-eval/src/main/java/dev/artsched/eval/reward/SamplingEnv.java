package dev.artsched.eval.reward;

import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.SeededNoise;
import dev.artsched.sampling.AdaptiveEpisode;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.adaptive.StepRule;

/**
 * The batched reinforcement-learning environment of the adaptive-scheduler learner: an episode is one sampling pass
 * over the user's denoiser in which each batch element is an agent. The state of an agent is its current sample
 * (preconditioned by 1 / sqrt(sigma^2 + sigma_data^2)), its normalised noise level t and its step index k / K; an
 * action is the decrement of t, turned into the next sigma by the {@link StepRule} (which ends the episode at
 * sigma = 0, early or when the NFE budget is spent); the reward is 0 until the end and then the
 * {@link PearsonReward} of the final sample's features, discount 1. Not thread-safe.
 */
public final class SamplingEnv {
    private final Denoiser denoiser;
    private final StepRule rule;
    private final FeatureExtractor features;
    private final PearsonReward reward;
    private final int realBatch;
    private final double sigmaData;
    private AdaptiveEpisode episode;
    private long calls;

    /** What the agents see. */
    public record Observation(float[] x, double[] t, double[] k) {
    }

    /**
     * @param denoiser  the model
     * @param rule      map, solver and NFE budget
     * @param features  the feature map of final samples (identity for vector data)
     * @param reward    the Pearson reward over the real-feature bank
     * @param realBatch real rows drawn per episode (the batch D)
     * @param sigmaData data scale used to precondition observed samples
     */
    public SamplingEnv(Denoiser denoiser, StepRule rule, FeatureExtractor features, PearsonReward reward,
                       int realBatch, double sigmaData) {
        if (features.featureSize() != reward.features()) {
            throw new ArtException("the feature map gives " + features.featureSize()
                    + " features but the real-feature bank has " + reward.features() + "; expected equal");
        }
        if (features.sampleSize() >= 0 && features.sampleSize() != denoiser.sampleSize()) {
            throw new ArtException("the feature map expects samples of " + features.sampleSize()
                    + " floats, found a model with " + denoiser.sampleSize());
        }
        if (!(sigmaData > 0) || realBatch < 1) {
            throw new ArtException("expected sigma_data > 0 and a real batch >= 1, found " + sigmaData + " and "
                    + realBatch);
        }
        this.denoiser = denoiser;
        this.rule = rule;
        this.features = features;
        this.reward = reward;
        this.realBatch = realBatch;
        this.sigmaData = sigmaData;
    }

    /** The step rule. */
    public StepRule rule() {
        return rule;
    }

    /** The reward's similarity. */
    public PearsonReward.Similarity similarity() {
        return reward.similarity();
    }

    /** The shape of one sample (for images [C, H, W]). */
    public long[] sampleShape() {
        return denoiser.sampleShape();
    }

    /** Floats per sample. */
    public int sampleSize() {
        return denoiser.sampleSize();
    }

    /** Starts an episode of {@code batch} agents from seeded noise at sigma_max. */
    public void reset(int batch, long seed) {
        reset(batch, seed, 1);
    }

    /**
     * Starts an episode of {@code batch} agents in groups of {@code group} consecutive agents that share their
     * seeded noise at sigma_max (common random numbers: within a group only the actions differ).
     */
    public void reset(int batch, long seed, int group) {
        if (group < 1 || batch % group != 0) {
            throw new dev.artsched.scheduler.ArtException("the agents of an episode split into groups of equal size: "
                    + "expected a group size dividing the batch " + batch + ", found " + group);
        }
        calls = calls();
        int n = denoiser.sampleSize();
        float[] distinct = SeededNoise.of(n, seed, 0, batch / group, rule.map().sigmaMax());
        float[] x0 = new float[n * batch];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(distinct, (b / group) * n, x0, b * n, n);
        }
        episode = new AdaptiveEpisode(denoiser, rule, x0, batch);
    }

    /** Batched denoiser calls of every episode so far. */
    public long calls() {
        return calls + (episode == null ? 0 : episode.calls());
    }

    /** The current episode. */
    public AdaptiveEpisode episode() {
        if (episode == null) {
            throw new IllegalStateException("reset the environment first");
        }
        return episode;
    }

    /** The observations of the listed agents. */
    public Observation observe(int[] idx) {
        AdaptiveEpisode ep = episode();
        int n = denoiser.sampleSize();
        float[] x = ep.gather(idx);
        double[] t = new double[idx.length];
        double[] k = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
            double s = ep.sigma(idx[j]);
            float c = (float) (1.0 / Math.sqrt(s * s + sigmaData * sigmaData));
            for (int e = j * n; e < (j + 1) * n; e++) {
                x[e] *= c;
            }
            t[j] = rule.map().t(s);
            k[j] = ep.steps(idx[j]) / (double) rule.maxSteps();
        }
        return new Observation(x, t, k);
    }

    /** Applies the actions (decrements of t) of the listed agents; returns their next sigmas. */
    public double[] act(int[] idx, double[] actions) {
        return episode().act(idx, actions);
    }

    /** The terminal rewards of every agent (the episode must be finished); {@code seed} draws the real batch. */
    public double[] rewards(long seed) {
        AdaptiveEpisode ep = episode();
        if (!ep.finished()) {
            throw new IllegalStateException("the episode has active agents");
        }
        return reward.rewards(features.extract(ep.samples(), ep.batch()), ep.batch(), realBatch, seed);
    }
}
