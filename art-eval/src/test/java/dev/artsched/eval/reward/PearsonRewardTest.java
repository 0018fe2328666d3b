package dev.artsched.eval.reward;

import dev.artsched.eval.FeatureExtractor;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.adaptive.NoiseLevelMap;
import dev.artsched.scheduler.adaptive.StepRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PearsonRewardTest {

    /** The textbook Pearson correlation, written out independently of the class under test. */
    private static double direct(float[] a, int ao, float[] b, int bo, int n) {
        double sa = 0;
        double sb = 0;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            sa += a[ao + i];
            sb += b[bo + i];
        }
        for (int i = 0; i < n; i++) {
            double x = a[ao + i] - sa / n;
            double y = b[bo + i] - sb / n;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void theRewardIsTheMaximumDirectPearsonCorrelationOverTheBank() {
        SplittableRandom rng = new SplittableRandom(3);
        int m = 50;
        int f = 7;
        float[] bank = new float[m * f];
        for (int i = 0; i < bank.length; i++) {
            bank[i] = (float) (rng.nextGaussian() * 3 + 1);
        }
        int b = 9;
        float[] gen = new float[b * f];
        for (int i = 0; i < gen.length; i++) {
            gen[i] = (float) rng.nextGaussian();
        }
        double[] r = new PearsonReward(new FeatureBank(bank, m, f)).rewards(gen, b, m, 0);
        for (int i = 0; i < b; i++) {
            double best = -2;
            for (int j = 0; j < m; j++) {
                best = Math.max(best, direct(gen, i * f, bank, j * f, f));
            }
            assertThat(r[i]).isCloseTo(best, within(1e-9));
        }
    }

    @Test
    void knownCorrelationsAndTheDegenerateCases() {
        assertThat(PearsonReward.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 6})).isCloseTo(1, within(1e-15));
        assertThat(PearsonReward.pearson(new double[] {1, 2, 3}, new double[] {3, 2, 1})).isCloseTo(-1, within(1e-15));
        assertThat(PearsonReward.pearson(new double[] {1, 0, -1, 0}, new double[] {0, 1, 0, -1})).isZero();
        assertThat(PearsonReward.pearson(new double[] {5}, new double[] {7})).isZero();
        // scale and offset do not change the correlation, they do change the distance
        FeatureBank bank = new FeatureBank(new float[] {1, 2, 4}, 1, 3);
        assertThat(new PearsonReward(bank).rewards(new float[] {10, 20, 40}, 1, 1, 0)[0]).isCloseTo(1, within(1e-12));
        PearsonReward dist = new PearsonReward(bank, PearsonReward.Similarity.DISTANCE);
        assertThat(dist.rewards(new float[] {1, 2, 4}, 1, 1, 0)[0]).isZero();
        assertThat(dist.rewards(new float[] {2, 3, 5}, 1, 1, 0)[0]).isLessThan(0);
        assertThatThrownBy(() -> PearsonReward.Similarity.parse("cosine")).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected pearson or distance");
    }

    @Test
    void aRealBatchIsASeededSubsetOfTheBank() {
        float[] bank = {1, 2, 3, 3, 2, 1, 1, 3, 2};
        PearsonReward r = new PearsonReward(new FeatureBank(bank, 3, 3));
        float[] gen = {1, 2, 3};
        assertThat(r.rewards(gen, 1, 3, 1)[0]).isCloseTo(1, within(1e-12));
        assertThat(r.rewards(gen, 1, 1, 42)).containsExactly(r.rewards(gen, 1, 1, 42));
    }

    @Test
    void banksRoundTripAndReadNumpyFiles(@TempDir Path dir) throws Exception {
        FeatureBank b = new FeatureBank(new float[] {1.5f, -2, 3, 4, 5, 6.25f}, 2, 3);
        Path p = dir.resolve("bank.npz");
        b.write(p);
        FeatureBank back = FeatureBank.read(p);
        assertThat(back.values()).containsExactly(b.values());
        assertThat(back.rows()).isEqualTo(2);
        FeatureBank f8 = FeatureBank.read(Path.of(getClass().getResource("/reward/numpy-f8.npz").toURI()));
        assertThat(f8.values()).containsExactly(1f, 2f, 3.5f, -1f, 0.25f, 8f);
        FeatureBank f4 = FeatureBank.read(Path.of(getClass().getResource("/reward/numpy-f4-compressed.npz").toURI()));
        assertThat(f4.rows()).isEqualTo(4);
        assertThat(f4.values()[11]).isEqualTo(11f);
        assertThatThrownBy(() -> FeatureBank.read(dir.resolve("missing.npz"))).isInstanceOf(ArtException.class)
                .hasMessageContaining("does not exist");
        java.nio.file.Files.writeString(dir.resolve("bad.npz"), "not a zip");
        assertThatThrownBy(() -> FeatureBank.read(dir.resolve("bad.npz"))).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected a .npz holding an array 'features'");
    }

    /** D(x; sigma) = 0, counting evaluations per sample. */
    private static final class Zero implements Denoiser {
        long calls;

        @Override
        public int sampleSize() {
            return 3;
        }

        @Override
        public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            calls += batch;
            java.util.Arrays.fill(out, 0, batch * 3, 0f);
        }
    }

    private static SamplingEnv env(Zero d, Solver solver, int budget) {
        FeatureBank bank = new FeatureBank(new float[] {1, 2, 3, 0, 0, 1}, 2, 3);
        return new SamplingEnv(d, StepRule.of(new NoiseLevelMap(0.01, 10), solver, budget),
                FeatureExtractor.identity(3), new PearsonReward(bank), 2, 1.0);
    }

    @Test
    void agentsOfAGroupShareTheirInitialNoiseAndGroupsDiffer() {
        SamplingEnv env = env(new Zero(), Solver.EULER, 4);
        env.reset(6, 11, 3);
        float[] x = env.observe(new int[] {0, 1, 2, 3, 4, 5}).x();
        int n = 3;
        for (int b = 0; b < 6; b++) {
            for (int j = 0; j < n; j++) {
                assertThat(x[b * n + j]).isEqualTo(x[(b / 3) * 3 * n + j]);
            }
        }
        assertThat(Arrays.copyOfRange(x, 0, n)).isNotEqualTo(Arrays.copyOfRange(x, 3 * n, 4 * n));
        env.reset(6, 11, 1);
        assertThat(Arrays.copyOfRange(env.observe(new int[] {0, 1}).x(), 0, n))
                .isNotEqualTo(Arrays.copyOfRange(env.observe(new int[] {0, 1}).x(), n, 2 * n));
        assertThatThrownBy(() -> env.reset(6, 11, 4)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected a group size dividing the batch 6, found 4");
    }

    @Test
    void theEnvironmentCountsNfePerAgentAndEndsEarlyOrAtTheBudget() {
        for (Solver solver : Solver.values()) {
            Zero d = new Zero();
            int budget = solver == Solver.EULER ? 6 : 11;
            SamplingEnv env = env(d, solver, budget);
            env.reset(3, 7);
            // agent 0 crawls (budget ends it), agent 1 jumps to t <= 0 at once, agent 2 at its second step
            int rounds = 0;
            for (int[] idx = env.episode().active(); idx.length > 0; idx = env.episode().active()) {
                SamplingEnv.Observation o = env.observe(idx);
                double[] a = new double[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    a[j] = idx[j] == 0 ? 0.01 : idx[j] == 1 ? 1.5 : o.k()[j] > 0 ? 1.0 : 0.05;
                    assertThat(o.t()[j]).isBetween(0.0, 1.0);
                }
                env.act(idx, a);
                rounds++;
            }
            assertThat(rounds).isEqualTo(6);
            assertThat(env.episode().steps(0)).isEqualTo(6);
            assertThat(env.episode().nfe(0)).isEqualTo(budget);
            assertThat(env.episode().steps(1)).isEqualTo(1);
            assertThat(env.episode().nfe(1)).isEqualTo(1);
            assertThat(env.episode().steps(2)).isEqualTo(2);
            assertThat(env.episode().nfe(2)).isEqualTo(solver == Solver.EULER ? 2 : 3);
            assertThat(d.calls).isEqualTo(env.episode().nfe()[0] + env.episode().nfe()[1] + env.episode().nfe()[2]);
            // D = 0 and a step to 0 returns D: every final sample is 0, which correlates 0 with the bank
            assertThat(env.rewards(1)).containsOnly(0.0);
        }
    }

    @Test
    void theEnvironmentRefusesMismatchedFeatures() {
        FeatureBank bank = new FeatureBank(new float[] {1, 2}, 1, 2);
        assertThatThrownBy(() -> new SamplingEnv(new Zero(), StepRule.of(new NoiseLevelMap(0.01, 10), Solver.EULER, 3),
                FeatureExtractor.identity(3), new PearsonReward(bank), 1, 1.0)).isInstanceOf(ArtException.class)
                .hasMessageContaining("the feature map gives 3 features but the real-feature bank has 2");
    }
}
