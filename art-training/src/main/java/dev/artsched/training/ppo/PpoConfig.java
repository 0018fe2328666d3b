package dev.artsched.training.ppo;

import dev.artsched.scheduler.ArtException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PPO learner's settings.
 *
 * @param seed        seeds the weights, the exploration noise, the episodes' noise and the real batches
 * @param iterations  PPO iterations (one batched episode each)
 * @param batch       agents per episode
 * @param epochs      optimiser passes over each episode's transitions
 * @param clip        the surrogate's clip range epsilon
 * @param lr          Adam's learning rate
 * @param stdStart    the exploration std at the first iteration (fixed, not learned), in units of the uniform
 *                    decrement 1 / K of a budget of K steps
 * @param stdEnd      the exploration std at the last iteration (exponential decay in between), same units
 * @param valueCoef   weight of the value loss
 * @param realBatch   real rows drawn per episode for the reward
 * @param cloneSteps  warm-start steps fitting the mean to EDM's decrements (0: none)
 * @param hidden      width of the sample, state, fusion and trunk blocks
 * @param checkpointEvery iterations between checkpoints
 * @param group       agents sharing one initial noise (common random numbers; divides the batch): with a group
 *                    of 2 or more, an agent's advantage is its reward minus the mean reward of the rest of its
 *                    group; with 1, its reward minus the value baseline
 */
public record PpoConfig(long seed, int iterations, int batch, int epochs, double clip, double lr, double stdStart,
                        double stdEnd, double valueCoef, int realBatch, int cloneSteps, int hidden,
                        int checkpointEvery, int group) {
    /** Validates. */
    public PpoConfig {
        if (iterations < 0 || iterations > 1_000_000 || batch < 2 || batch > 65_536 || epochs < 1 || epochs > 100
                || !(clip > 0 && clip < 1) || !(lr > 0 && lr < 1) || !(stdStart > 0) || !(stdEnd > 0)
                || stdEnd > stdStart || !(valueCoef >= 0) || realBatch < 1 || cloneSteps < 0 || hidden < 1
                || hidden > 4096 || checkpointEvery < 1 || group < 1 || batch % group != 0) {
            throw new ArtException("PPO settings expected iterations in [0, 1e6], batch in [2, 65536], epochs in "
                    + "[1, 100], clip and lr in (0, 1), 0 < std_end <= std_start, value weight >= 0, real batch, "
                    + "hidden width and checkpoint interval >= 1, a group size dividing the batch, found " + this);
        }
    }

    /** The default group size (agents sharing one initial noise). */
    public static final int GROUP = 1;

    /** The defaults: 200 iterations of 64 agents, 4 epochs, clip 0.2, lr 1e-3, std 0.3 / K to 0.03 / K. */
    public static PpoConfig defaults(long seed) {
        return new PpoConfig(seed, 200, 64, 4, 0.2, 1e-3, 0.3, 0.03, 0.5, 512, 600, 32, 25, GROUP);
    }

    /** With another iteration count. */
    public PpoConfig withIterations(int value) {
        return new PpoConfig(seed, value, batch, epochs, clip, lr, stdStart, stdEnd, valueCoef, realBatch,
                cloneSteps, hidden, checkpointEvery, group);
    }

    /** With another agent batch. */
    public PpoConfig withBatch(int value) {
        return new PpoConfig(seed, iterations, value, epochs, clip, lr, stdStart, stdEnd, valueCoef, realBatch,
                cloneSteps, hidden, checkpointEvery, group);
    }

    /** With another group size (agents sharing one initial noise). */
    public PpoConfig withGroup(int value) {
        return new PpoConfig(seed, iterations, batch, epochs, clip, lr, stdStart, stdEnd, valueCoef, realBatch,
                cloneSteps, hidden, checkpointEvery, value);
    }

    /** With another exploration schedule. */
    public PpoConfig withStd(double start, double end) {
        return new PpoConfig(seed, iterations, batch, epochs, clip, lr, start, end, valueCoef, realBatch,
                cloneSteps, hidden, checkpointEvery, group);
    }

    /** The exploration std at iteration {@code it} (0-based): exponential decay from stdStart to stdEnd. */
    public double std(int it) {
        return iterations <= 1 ? stdStart : stdStart * Math.pow(stdEnd / stdStart, it / (double) (iterations - 1));
    }

    /** Settings for provenance (and the resume fingerprint). */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seed", seed);
        d.put("iterations", iterations);
        d.put("batch", batch);
        d.put("epochs", epochs);
        d.put("clip", clip);
        d.put("lr", lr);
        d.put("std_start", stdStart);
        d.put("std_end", stdEnd);
        d.put("value_coef", valueCoef);
        d.put("real_batch", realBatch);
        d.put("clone_steps", cloneSteps);
        d.put("hidden", hidden);
        d.put("discount", 1.0);
        if (group > 1) {
            d.put("group", group);
        }
        return d;
    }
}
