package dev.artsched.cli;

import dev.artsched.eval.reward.PearsonReward;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.ppo.PpoConfig;
import dev.artsched.training.ppo.PpoMethod;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of {@code art train --method ppo} (the self-supervised PPO scheduler). */
final class PpoOptions {
    @Option(names = "--real-features", paramLabel = "FILE",
            description = "ppo: a .npz with an array 'features' [M, F] of real-data features (with --features "
                    + "identity: real data points). Default for analytic mixtures: 4096 points of their data.")
    Path realFeatures;

    @Option(names = "--policy-out", paramLabel = "FILE",
            description = "ppo: where to write the ONNX policy graph (default OUT.policy.onnx).")
    Path policyOut;

    @Option(names = "--ppo-batch", defaultValue = "64", paramLabel = "B",
            description = "ppo: agents (samples) per episode (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--ppo-group", paramLabel = "G",
            description = "ppo: agents sharing one initial noise (a divisor of --ppo-batch; default 1); with G >= 2 "
                    + "an agent's advantage is its reward minus the mean of the rest of its group.")
    Integer groupOption;

    @Option(names = "--ppo-epochs", defaultValue = "4", paramLabel = "E",
            description = "ppo: optimiser passes over each episode (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--ppo-std", defaultValue = "0.3:0.03", paramLabel = "S0:S1",
            description = "ppo: exploration std of the first and the last iteration in units of 1/K (K the budget "
                    + "in steps), decaying exponentially (default ${DEFAULT-VALUE}).")
    String std;

    @Option(names = "--reward", defaultValue = "auto", paramLabel = "SIM",
            description = "ppo: the similarity maximised over the real batch: pearson (centred over the features), "
                    + "distance (minus the scaled Euclidean distance; sees scale, for vector data) or auto "
                    + "(default: pearson, or distance where the features have at most 2 values).")
    String reward;

    @Option(names = "--ppo-lr", defaultValue = "0.001", paramLabel = "LR",
            description = "ppo: Adam's learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    /** The settings; {@code features} is the shared --features option (auto/identity, or a feature graph). */
    PpoMethod.Settings settings(long seed, Integer iterations, int checkpointEvery, String features) {
        PpoConfig d = PpoConfig.defaults(seed);
        CliSupport.range("--ppo-batch", batch, 2, 65_536);
        int group = groupOption != null ? groupOption : PpoConfig.GROUP;
        if (group < 1 || batch % group != 0) {
            throw new ArtException("--ppo-group expected a divisor of --ppo-batch " + batch + ", found " + group);
        }
        CliSupport.range("--ppo-epochs", epochs, 1, 100);
        String[] parts = std.split(":");
        double s0;
        double s1;
        try {
            s0 = Double.parseDouble(parts[0].trim());
            s1 = parts.length > 1 ? Double.parseDouble(parts[1].trim()) : s0;
        } catch (NumberFormatException e) {
            throw new ArtException("--ppo-std expected START:END (two numbers), found '" + std + "'");
        }
        if (parts.length > 2 || !(s0 > 0) || !(s1 > 0) || s1 > s0 || !Double.isFinite(s0)) {
            throw new ArtException("--ppo-std expected START:END with 0 < END <= START, found '" + std + "'");
        }
        if (!(lr > 0 && lr < 1)) {
            throw new ArtException("--ppo-lr expected a number in (0, 1), found " + lr);
        }
        PpoConfig c = new PpoConfig(seed, iterations != null ? iterations : d.iterations(), batch, epochs, d.clip(),
                lr, s0, s1, d.valueCoef(), d.realBatch(), d.cloneSteps(), d.hidden(), checkpointEvery, group);
        boolean identity = features == null || features.equals("auto") || features.equals("identity");
        PearsonReward.Similarity sim = null;
        if (!"auto".equalsIgnoreCase(reward.trim())) {
            try {
                sim = PearsonReward.Similarity.parse(reward);
            } catch (ArtException e) {
                throw new ArtException("--reward expected auto, pearson or distance, found '"
                        + ArtException.quote(reward) + "'", e);
            }
        }
        return new PpoMethod.Settings(c, realFeatures, identity ? null : Path.of(features), policyOut, sim);
    }
}
