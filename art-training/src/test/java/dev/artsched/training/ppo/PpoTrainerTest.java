package dev.artsched.training.ppo;

import dev.artsched.onnx.OnnxPolicy;
import dev.artsched.onnx.PolicyWeights;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.nn.Adam;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.run.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PpoTrainerTest {

    @Test
    void theClippedSurrogateTakesThePessimisticBound() {
        assertThat(PpoTrainer.surrogate(1.5, 1, 0.2)).isCloseTo(1.2, within(1e-12));
        assertThat(PpoTrainer.surrogate(0.5, 1, 0.2)).isCloseTo(0.5, within(1e-12));
        assertThat(PpoTrainer.surrogate(0.5, -1, 0.2)).isCloseTo(-0.8, within(1e-12));
        assertThat(PpoTrainer.surrogate(1.5, -1, 0.2)).isCloseTo(-1.5, within(1e-12));
        assertThat(PpoTrainer.surrogate(1.1, 2, 0.2)).isCloseTo(2.2, within(1e-12));
    }

    @Test
    void groupBaselinesAreTheMeansOfTheOtherAgentsAndTheSpreadIsWithinGroups() {
        double[] r = {1, 2, 3, 6, 10, 10, 10, 14};
        assertThat(PpoTrainer.leaveOneOutMeans(r, 4)).containsExactly(new double[] {11 / 3.0, 10 / 3.0, 3, 2, 34 / 3.0,
                34 / 3.0, 34 / 3.0, 10}, within(1e-12));
        // group means 3 and 11: squared deviations 4 + 1 + 0 + 9 and 1 + 1 + 1 + 9 over 8 agents
        assertThat(PpoTrainer.spread(r, 4)).isCloseTo(Math.sqrt(26 / 8.0), within(1e-12));
        double m = Arrays.stream(r).average().orElse(0);
        assertThat(PpoTrainer.spread(r, 1)).isCloseTo(Math.sqrt(Arrays.stream(r).map(v -> (v - m) * (v - m)).sum() / 8),
                within(1e-12));
    }

    @Test
    void ppoFindsTheOptimumOfAToyBandit() {
        // one state, reward -(a - 0.3)^2: the optimal mean action is 0.3 (the policy starts at 0.7)
        Rng rng = new Rng(4);
        try (PolicyNetwork net = new PolicyNetwork(1, 8, 4, 4, 8, 0.7, rng)) {
            Adam adam = new Adam("bandit", 3e-3, 0.9, 0.999, 1e-8);
            int b = 64;
            double std = 0.1;
            float[] x = new float[b];
            double[] t = new double[b];
            Arrays.fill(t, 1.0);
            double[] k = new double[b];
            for (int it = 0; it < 120; it++) {
                double[][] mv = net.predict(x, t, k);
                double[] a = new double[b];
                double[] logp = new double[b];
                double[] r = new double[b];
                for (int i = 0; i < b; i++) {
                    double eps = rng.nextGaussian();
                    a[i] = mv[0][i] + std * eps;
                    logp[i] = -0.5 * eps * eps - Math.log(std);
                    r[i] = -(a[i] - 0.3) * (a[i] - 0.3);
                }
                double rm = Arrays.stream(r).average().orElse(0);
                double sd = Math.sqrt(Arrays.stream(r).map(v -> (v - rm) * (v - rm)).average().orElse(0));
                double[] adv = new double[b];
                double am = 0;
                for (int i = 0; i < b; i++) {
                    adv[i] = r[i] - mv[1][i];
                    am += adv[i] / b;
                }
                for (int i = 0; i < b; i++) {
                    adv[i] = (adv[i] - am) / sd;
                }
                PpoTrainer.Batch batch = new PpoTrainer.Batch(x, t, k, a, logp, adv, r, rm);
                for (int e = 0; e < 4; e++) {
                    PpoTrainer.update(net, adam, batch, 0.2, 0.5, std);
                }
            }
            assertThat(net.predict(new float[] {0}, new double[] {1}, new double[] {0})[0][0])
                    .isCloseTo(0.3, within(0.03));
        }
    }

    @Test
    void theExportedWeightsComputeTheNetworksMean() {
        Rng rng = new Rng(9);
        try (PolicyNetwork net = new PolicyNetwork(5, 6, 3, 4, 7, 0.2, rng)) {
            float[] x = {0.3f, -1, 2, 0.5f, 0.1f, 1, 1, -1, 0, 0.25f};
            double[] t = {0.9, 0.2};
            double[] k = {0.0, 0.6};
            double[] mean = net.predict(x, t, k)[0];
            PolicyWeights w = net.weights();
            for (int b = 0; b < 2; b++) {
                assertThat(w.mean(x, b * 5, t[b], k[b])).isCloseTo(mean[b], within(1e-5));
            }
        }
    }

    @Test
    void theExportedConvolutionComputesTheNetworksMeanOnImages() {
        Rng rng = new Rng(10);
        try (PolicyNetwork net = new PolicyNetwork(2 * 6 * 5, new int[] {2, 6, 5, 3}, 6, 3, 4, 5, 0.2, rng)) {
            float[] x = new float[2 * 60];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.7);
            }
            double[] t = {0.4, 0.8};
            double[] k = {0.1, 0.5};
            double[] mean = net.predict(x, t, k)[0];
            PolicyWeights w = net.weights();
            assertThat(w.conv()).isNotNull();
            for (int b = 0; b < 2; b++) {
                assertThat(w.mean(x, b * 60, t[b], k[b])).isCloseTo(mean[b], within(1e-5));
            }
        }
    }

    @Test
    void thePearsonRewardIsRefusedOnFeaturesOfTwoValuesAndTheDefaultFallsBackToTheDistance() {
        var pearson = dev.artsched.eval.reward.PearsonReward.Similarity.PEARSON;
        var distance = dev.artsched.eval.reward.PearsonReward.Similarity.DISTANCE;
        java.util.List<String> notes = new java.util.ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onNote(String message) {
                notes.add(message);
            }
        };
        // Two centred values are (a, -a): every correlation is +-1, so the reward carries no signal.
        double[] a = {0.3, 1.7};
        double[] b = {5.0, -2.0};
        assertThat(Math.abs(dev.artsched.eval.reward.PearsonReward.pearson(a, b))).isCloseTo(1.0, within(1e-12));
        assertThat(PpoMethod.similarity(null, 3, l)).isEqualTo(pearson);
        assertThat(PpoMethod.similarity(distance, 64, l)).isEqualTo(distance);
        assertThat(notes).isEmpty();
        assertThat(PpoMethod.similarity(null, 2, l)).isEqualTo(distance);
        assertThat(notes).singleElement().asString().contains("2 values").contains("--reward distance");
        assertThat(PpoMethod.similarity(distance, 1, l)).isEqualTo(distance);
        assertThatThrownBy(() -> PpoMethod.similarity(pearson, 2, l)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected feature vectors of at least 3 values, found 2")
                .hasMessageContaining("always +1 or -1");
        assertThatThrownBy(() -> PpoMethod.similarity(pearson, 1, l)).hasMessageContaining("always 0");
    }

    private static PpoMethod.Outcome run(Path dir, String name, boolean resume, TrainingListener l) {
        PpoConfig c = new PpoConfig(3, 4, 8, 2, 0.2, 1e-3, 0.3, 0.03, 0.5, 64, 40, 8, 2, 1);
        return PpoMethod.train(GaussianMixtureDenoiser.twoDimensionalBenchmark(), Optional.of("mixture2d"), 10,
                0.002, Solver.HEUN, 4, new PpoMethod.Settings(c, null, null, null,
                        dev.artsched.eval.reward.PearsonReward.Similarity.DISTANCE), dir.resolve(name + ".json"),
                dir.resolve(name + ".ckpt"), resume, l);
    }

    @Test
    void aResumedRunMatchesTheUninterruptedOneAndTheOutputsAreValid(@TempDir Path dir) throws Exception {
        PpoMethod.Outcome full = run(dir, "full", false, TrainingListener.NONE);
        TrainingListener killer = new TrainingListener() {
            @Override
            public void onCheckpoint(int iteration, Path path) {
                throw new IllegalStateException("killed after " + iteration);
            }
        };
        assertThatThrownBy(() -> run(dir, "cut", false, killer)).hasMessageContaining("killed after 2");
        PpoMethod.Outcome resumed = run(dir, "cut", true, TrainingListener.NONE);
        assertThat(resumed.sigmas()).containsExactly(full.sigmas());
        assertThat(resumed.training().get("resumed_from")).isEqualTo(2);
        assertThat(resumed.training().get("reward_curve")).isEqualTo(full.training().get("reward_curve"));
        Schedule s = new Schedule("ppo", full.sigmas(), "ppo");
        assertThat(s.steps()).isEqualTo(4);
        Path policy = Path.of((String) full.training().get("policy_graph"));
        assertThat(Files.isRegularFile(policy)).isTrue();
        assertThat(Files.size(Path.of((String) full.training().get("reward_plot")))).isPositive();
        try (OnnxPolicy p = OnnxPolicy.load(policy)) {
            assertThat(p.budgetSteps()).isEqualTo(4);
            assertThat(p.map().sigmaMax()).isEqualTo(10.0);
        }
        Files.writeString(dir.resolve("cut.ckpt"), "garbage");
        assertThatThrownBy(() -> run(dir, "cut", true, TrainingListener.NONE)).isInstanceOf(ArtException.class)
                .hasMessageContaining("PPO checkpoint");
    }

    @Test
    void aModelWithoutRealDataIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> PpoMethod.bank(GaussianMixtureDenoiser.twoDimensionalBenchmark(), Optional.empty(),
                null, 0)).isInstanceOf(ArtException.class).hasMessageContaining("expected --real-features FILE");
    }
}
