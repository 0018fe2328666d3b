package dev.artsched.training.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.artsched.eval.reward.SamplingEnv;
import dev.artsched.onnx.PolicyWeights;
import dev.artsched.scheduler.Resampling;
import dev.artsched.scheduler.adaptive.StepRule;
import dev.artsched.training.nn.Adam;
import dev.artsched.training.nn.DjlRuntime;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.TrainingListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PPO on the {@link SamplingEnv}: each iteration runs one batched episode with Gaussian exploration around the
 * policy's mean (fixed std, decaying exponentially), takes the terminal Pearson rewards (discount 1, so every
 * transition's return is its agent's reward), advantages against the value baseline, or, when agents share their
 * initial noise in groups, against the mean reward of the rest of the group (centred, in units of the rewards'
 * spread, so equal rewards leave the policy alone),
 * and a few epochs of the clipped surrogate plus the value loss with Adam. Starts from the mean fitted to EDM's
 * decrements; on image samples the sample block starts with a small convolution; checkpoints and resumes exactly;
 * finally distils the policy into a grid (the mean action per step
 * along deterministic rollouts) and returns the policy's weights for the ONNX export.
 */
public final class PpoTrainer {
    /** Channels of the convolution block on image samples [C, H, W]. */
    public static final int CONV_FILTERS = 4;

    private PpoTrainer() {
    }

    /**
     * The outcome.
     *
     * @param sigmas      the distilled grid (N + 1 sigmas ending in 0)
     * @param weights     the policy's weights
     * @param rewardCurve mean terminal reward per iteration
     * @param training    provenance
     */
    public record Result(double[] sigmas, PolicyWeights weights, double[] rewardCurve, Map<String, Object> training) {
    }

    /** One episode's transitions, row-major. */
    record Batch(float[] x, double[] t, double[] k, double[] actions, double[] logp, double[] adv, double[] ret,
                 double meanReward) {
    }

    /**
     * Trains.
     *
     * @param env        the environment (its rule fixes solver, budget and map)
     * @param warm       the grid whose decrements the mean is first fitted to (EDM), or null
     * @param c          settings
     * @param checkpoint checkpoint file (null: none)
     * @param resume     continue from the checkpoint if it exists
     * @param l          progress
     */
    public static Result train(SamplingEnv env, double[] warm, PpoConfig c, Path checkpoint, boolean resume,
                               TrainingListener l) {
        long t0 = System.nanoTime();
        Rng rng = new Rng(c.seed());
        int n = env.sampleSize();
        String fingerprint = c.describe() + " " + env.rule() + " n=" + n;
        long[] shape = env.sampleShape();
        int[] image = shape.length == 3 && shape[1] >= 4 && shape[2] >= 4
                ? new int[] {(int) shape[0], (int) shape[1], (int) shape[2], CONV_FILTERS} : null;
        try (PolicyNetwork net = new PolicyNetwork(n, image, c.hidden(), c.hidden(), c.hidden(), c.hidden(),
                1.0 / env.rule().maxSteps(), rng)) {
            Adam adam = new Adam("policy", c.lr(), 0.9, 0.999, 1e-8);
            List<Double> curve = new ArrayList<>();
            int start = 0;
            double before = 0;
            double cloneRmse = Double.NaN;
            if (resume && checkpoint != null && Files.exists(checkpoint)) {
                PpoCheckpoint ck = PpoCheckpoint.read(checkpoint);
                if (!ck.fingerprint().equals(fingerprint)) {
                    throw new dev.artsched.scheduler.ArtException("PPO checkpoint " + checkpoint
                            + " was written with other settings (expected " + fingerprint + ", found "
                            + ck.fingerprint() + "); delete it or start a fresh run");
                }
                net.setParameters(ck.params());
                adam.importState(ck.adam());
                rng.setState(ck.rngState());
                Arrays.stream(ck.curve()).forEach(curve::add);
                start = ck.iteration();
                before = ck.elapsedSeconds();
            } else if (warm != null && c.cloneSteps() > 0) {
                cloneRmse = warmStart(env, net, warm, c);
            }
            for (int it = start; it < c.iterations(); it++) {
                double std = c.std(it) / env.rule().maxSteps();
                long episodeSeed = c.seed() * 1_000_003L + it;
                Batch b = rollout(env, net, rng, std, c.batch(), c.group(), episodeSeed);
                curve.add(b.meanReward());
                for (int e = 0; e < c.epochs(); e++) {
                    update(net, adam, b, c.clip(), c.valueCoef(), std);
                }
                l.onProgress("ppo", it + 1, c.iterations());
                l.onStatus(String.format(Locale.ROOT, "reward %.4f std %.4f", b.meanReward(), std));
                boolean last = it + 1 == c.iterations();
                if (checkpoint != null && ((it + 1) % c.checkpointEvery() == 0 || last)) {
                    new PpoCheckpoint(fingerprint, it + 1, rng.state(), before + (System.nanoTime() - t0) * 1e-9,
                            curve.stream().mapToDouble(Double::doubleValue).toArray(), net.parameters(),
                            adam.exportState()).write(checkpoint);
                    l.onCheckpoint(it + 1, checkpoint);
                }
            }
            double[] sigmas = distil(env, net, c.batch(), c.seed() ^ 0x5EED_D15L);
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("ppo", c.describe());
            training.put("noise_level_map", env.rule().map().describe());
            training.put("budget_nfe", env.rule().budgetNfe());
            training.put("resumed_from", start);
            training.put("warm_start", warm == null || c.cloneSteps() == 0 ? "none" : "edm");
            training.put("warm_start_rmse", cloneRmse);
            training.put("final_reward", curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1));
            training.put("reward_curve", curve);
            training.put("denoiser_calls", env.calls());
            training.put("wall_seconds", before + (System.nanoTime() - t0) * 1e-9);
            return new Result(sigmas, net.weights(), curve.stream().mapToDouble(Double::doubleValue).toArray(),
                    training);
        }
    }

    /**
     * Fits the mean to the warm grid's decrements of t along that grid's own rollouts (its own Adam, lr 3e-3);
     * returns the fit's final RMS error in t.
     */
    private static double warmStart(SamplingEnv env, PolicyNetwork net, double[] warm, PpoConfig c) {
        Adam adam = new Adam("policy warm start", 3e-3, 0.9, 0.999, 1e-8);
        StepRule rule = env.rule();
        env.reset(c.batch(), c.seed() ^ 0xC10AEL);
        List<float[]> xs = new ArrayList<>();
        List<Double> ts = new ArrayList<>();
        List<Double> ks = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        int[] idx = env.episode().active();
        for (int k = 0; idx.length > 0; k++, idx = env.episode().active()) {
            SamplingEnv.Observation o = env.observe(idx);
            double target = k + 1 < warm.length - 1
                    ? o.t()[0] - Math.max(rule.map().t(warm[k + 1]), 1e-3) : o.t()[0];
            if (!rule.mustFinish(env.episode().nfe(idx[0]))) {
                xs.add(o.x());
                for (int j = 0; j < idx.length; j++) {
                    ts.add(o.t()[j]);
                    ks.add(o.k()[j]);
                    targets.add(target);
                }
            }
            double[] a = new double[idx.length];
            Arrays.fill(a, target);
            env.act(idx, a);
        }
        if (targets.isEmpty()) {
            return Double.NaN;
        }
        float[] x = concat(xs);
        double[] t = ts.stream().mapToDouble(Double::doubleValue).toArray();
        double[] k = ks.stream().mapToDouble(Double::doubleValue).toArray();
        double[] y = targets.stream().mapToDouble(Double::doubleValue).toArray();
        double mse = Double.NaN;
        for (int s = 0; s < c.cloneSteps(); s++) {
            try (NDManager m = net.newSubManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray[] in = net.inputs(m, x, t, k);
                PolicyNetwork.Out o = net.forward(in[0], in[1]);
                NDArray d = o.mean().sub(m.create(y));
                NDArray loss = d.mul(d).mean();
                mse = loss.getDouble();
                gc.backward(loss.add(o.value().sum().mul(0.0))); // every parameter gets a gradient
            }
            step(net, adam);
        }
        return Math.sqrt(mse);
    }

    /** One batched episode with exploration; the transitions with advantages and returns. */
    static Batch rollout(SamplingEnv env, PolicyNetwork net, Rng rng, double std, int batch, long seed) {
        return rollout(env, net, rng, std, batch, 1, seed);
    }

    /**
     * One batched episode with exploration, agents in groups of {@code group} sharing their initial noise; with a
     * group of 2 or more an agent's advantage is its reward minus the mean of the others in its group.
     */
    static Batch rollout(SamplingEnv env, PolicyNetwork net, Rng rng, double std, int batch, int group, long seed) {
        env.reset(batch, seed, group);
        List<float[]> xs = new ArrayList<>();
        List<double[]> cols = new ArrayList<>();
        for (int[] idx = env.episode().active(); idx.length > 0; idx = env.episode().active()) {
            SamplingEnv.Observation o = env.observe(idx);
            double[][] mv = net.predict(o.x(), o.t(), o.k());
            double[] a = new double[idx.length];
            for (int j = 0; j < idx.length; j++) {
                double eps = rng.nextGaussian();
                a[j] = mv[0][j] + std * eps;
                cols.add(new double[] {o.t()[j], o.k()[j], a[j], -0.5 * eps * eps - Math.log(std), mv[1][j], idx[j]});
            }
            xs.add(o.x());
            env.act(idx, a);
        }
        double[] r = env.rewards(seed ^ 0x4EA1L);
        int rows = cols.size();
        double[] adv = new double[rows];
        double[] ret = new double[rows];
        double[] baseline = group > 1 ? leaveOneOutMeans(r, group) : null;
        double mean = 0;
        for (int i = 0; i < rows; i++) {
            int agent = (int) cols.get(i)[5];
            ret[i] = r[agent];
            adv[i] = ret[i] - (baseline != null ? baseline[agent] : cols.get(i)[4]);
            mean += adv[i] / rows;
        }
        // centred, in units of the rewards' spread (within the groups when agents share noise): equal rewards
        // teach nothing
        double sd = spread(r, group);
        for (int i = 0; i < rows; i++) {
            adv[i] = sd > 1e-12 ? (adv[i] - mean) / sd : 0.0;
        }
        return new Batch(concat(xs), col(cols, 0), col(cols, 1), col(cols, 2), col(cols, 3), adv, ret,
                Arrays.stream(r).average().orElse(0));
    }

    /** Per agent, the mean reward of the other agents of its group (groups of consecutive agents). */
    static double[] leaveOneOutMeans(double[] r, int group) {
        double[] out = new double[r.length];
        for (int g = 0; g < r.length; g += group) {
            double sum = 0;
            for (int j = g; j < g + group; j++) {
                sum += r[j];
            }
            for (int j = g; j < g + group; j++) {
                out[j] = (sum - r[j]) / (group - 1);
            }
        }
        return out;
    }

    /** The rewards' standard deviation about their group means (about the overall mean for a group of 1). */
    static double spread(double[] r, int group) {
        int size = group > 1 ? group : r.length;
        double ss = 0;
        for (int g = 0; g < r.length; g += size) {
            double m = 0;
            for (int j = g; j < g + size; j++) {
                m += r[j] / size;
            }
            for (int j = g; j < g + size; j++) {
                ss += (r[j] - m) * (r[j] - m);
            }
        }
        return Math.sqrt(ss / r.length);
    }

    /** The clipped surrogate of one transition: min(ratio A, clip(ratio, 1 - eps, 1 + eps) A). */
    static double surrogate(double ratio, double adv, double clip) {
        return Math.min(ratio * adv, Math.max(1 - clip, Math.min(1 + clip, ratio)) * adv);
    }

    /**
     * One Adam step on -mean(surrogate) + valueCoef * mean((V - R)^2) over the batch; returns {policy loss, value
     * loss}.
     */
    static double[] update(PolicyNetwork net, Adam adam, Batch b, double clip, double valueCoef, double std) {
        double[] losses;
        try (NDManager m = net.newSubManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray[] in = net.inputs(m, b.x(), b.t(), b.k());
            PolicyNetwork.Out o = net.forward(in[0], in[1]);
            NDArray z = m.create(b.actions()).sub(o.mean()).div(std);
            NDArray ratio = z.mul(z).mul(-0.5).sub(Math.log(std)).sub(m.create(b.logp())).exp();
            NDArray adv = m.create(b.adv());
            NDArray surr = ratio.mul(adv).minimum(ratio.clip(1 - clip, 1 + clip).mul(adv));
            NDArray dv = o.value().sub(m.create(b.ret()));
            NDArray policyLoss = surr.mean().neg();
            NDArray valueLoss = dv.mul(dv).mean();
            gc.backward(policyLoss.add(valueLoss.mul(valueCoef)));
            losses = new double[] {policyLoss.getDouble(), valueLoss.getDouble()};
        }
        step(net, adam);
        return losses;
    }

    private static void step(PolicyNetwork net, Adam adam) {
        adam.step(net.parameterArrays());
        for (NDArray p : net.parameterArrays()) {
            NDArray g = p.getGradient();
            g.subi(g);
            g.close();
        }
    }

    /** The grid of the mean action per step along deterministic rollouts, with exactly the budget's steps. */
    static double[] distil(SamplingEnv env, PolicyNetwork net, int batch, long seed) {
        StepRule rule = env.rule();
        env.reset(batch, seed);
        List<Double> means = new ArrayList<>();
        for (int[] idx = env.episode().active(); idx.length > 0; idx = env.episode().active()) {
            SamplingEnv.Observation o = env.observe(idx);
            double[] mean = net.predict(o.x(), o.t(), o.k())[0];
            means.add(Arrays.stream(mean).average().orElse(0));
            env.act(idx, mean);
        }
        List<Double> grid = new ArrayList<>(List.of(rule.map().sigmaMax()));
        int nfe = 0;
        for (int k = 0; grid.get(grid.size() - 1) > 0; k++) {
            double s = grid.get(grid.size() - 1);
            double next = rule.next(s, means.get(Math.min(k, means.size() - 1)), nfe);
            nfe += rule.cost(next);
            grid.add(next);
        }
        double[] sigmas = grid.stream().mapToDouble(Double::doubleValue).toArray();
        return sigmas.length - 1 == rule.maxSteps() ? sigmas : Resampling.timeMap(sigmas, rule.maxSteps());
    }

    private static float[] concat(List<float[]> parts) {
        float[] out = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static double[] col(List<double[]> rows, int c) {
        return rows.stream().mapToDouble(r -> r[c]).toArray();
    }
}
