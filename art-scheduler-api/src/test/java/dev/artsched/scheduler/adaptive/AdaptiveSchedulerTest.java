package dev.artsched.scheduler.adaptive;

import dev.artsched.sampling.AdaptiveResult;
import dev.artsched.sampling.AdaptiveSampler;
import dev.artsched.sampling.EulerSampler;
import dev.artsched.sampling.HeunSampler;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AdaptiveSchedulerTest {
    private static final NoiseLevelMap MAP = new NoiseLevelMap(0.002, 80);

    /** A policy proposing arbitrary (seeded) decrements, including negative, zero, above 1 and tiny ones. */
    private static AdaptivePolicy wild(long seed) {
        return new AdaptivePolicy() {
            @Override
            public String name() {
                return "wild";
            }

            @Override
            public NoiseLevelMap map() {
                return MAP;
            }

            @Override
            public int sampleSize() {
                return -1;
            }

            @Override
            public void decrements(float[] x, double[] sigma, int[] step, int batch, double[] out) {
                for (int b = 0; b < batch; b++) {
                    // depends on the sample, so agents diverge
                    SplittableRandom r = new SplittableRandom(seed ^ Float.floatToIntBits(x[b * x.length / batch])
                            ^ step[b]);
                    double u = r.nextDouble();
                    out[b] = u < 0.1 ? -0.5 : u < 0.2 ? 0.0 : u < 0.3 ? 2.0 : u < 0.4 ? 1e-9 : r.nextDouble() * 0.3;
                }
            }
        };
    }

    @Test
    void everySequenceIsStrictlyDecreasingEndsAtZeroAndStaysWithinTheBudget() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            Solver solver = rng.nextBoolean() ? Solver.EULER : Solver.HEUN;
            int budget = 1 + rng.nextInt(40);
            AdaptiveScheduler s = new AdaptiveScheduler(wild(trial), solver, budget);
            double sigma = s.firstSigma();
            int nfe = 0;
            int step = 0;
            float[] x = {(float) rng.nextGaussian(), (float) rng.nextGaussian()};
            while (sigma > 0) {
                double[] next = new double[1];
                s.next(x, new double[] {sigma}, new int[] {step}, new int[] {nfe}, 1, next);
                assertThat(next[0]).isGreaterThanOrEqualTo(0.0).isLessThan(sigma);
                nfe += s.rule().cost(next[0]);
                assertThat(nfe).isLessThanOrEqualTo(budget);
                sigma = next[0];
                step++;
                x[0] += 0.37f;
            }
            assertThat(step).isLessThanOrEqualTo(solver.maxSteps(budget));
        }
    }

    @Test
    void theSamplerReportsPerSampleNfeWithinTheBudget() {
        GaussianMixtureDenoiser d = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        SplittableRandom rng = new SplittableRandom(5);
        for (Solver solver : Solver.values()) {
            for (int budget : new int[] {1, 2, 3, 7, 20}) {
                int batch = 16;
                float[] x0 = new float[batch * 2];
                for (int i = 0; i < x0.length; i++) {
                    x0[i] = (float) (80 * rng.nextGaussian());
                }
                AdaptiveResult r = AdaptiveSampler.sample(d, new AdaptiveScheduler(wild(budget), solver, budget), x0,
                        batch);
                assertThat(java.util.Arrays.stream(r.nfe()).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(1, budget));
                assertThat(r.maxNfe()).isLessThanOrEqualTo(budget);
                assertThat(r.meanNfe()).isLessThanOrEqualTo(budget);
                for (float v : r.samples()) {
                    assertThat(Float.isFinite(v)).isTrue();
                }
            }
        }
    }

    @Test
    void aConstantPolicyMatchesTheFixedGridSamplersBitForBit() {
        // step 0.25 of t: sigma(1), sigma(0.75), sigma(0.5), sigma(0.25), then t = 0 means the step to 0
        AdaptivePolicy p = new ConstantPolicy(0.25, MAP);
        double[] grid = {MAP.sigma(1), MAP.sigma(0.75), MAP.sigma(0.5), MAP.sigma(0.25), 0};
        GaussianMixtureDenoiser d = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        float[] x0 = {10f, -20f, 5f, 7f, -3f, 0.5f};
        AdaptiveResult e = AdaptiveSampler.sample(d, new AdaptiveScheduler(p, Solver.EULER, 100), x0, 3);
        AdaptiveResult h = AdaptiveSampler.sample(d, new AdaptiveScheduler(p, Solver.HEUN, 100), x0, 3);
        Schedule s = new Schedule("grid", grid, "test");
        assertThat(e.samples()).containsExactly(new EulerSampler().sample(d, s, x0, 3).samples());
        assertThat(h.samples()).containsExactly(new HeunSampler().sample(d, s, x0, 3).samples());
        assertThat(e.nfe()).containsOnly(4);
        assertThat(h.nfe()).containsOnly(7);
        assertThat(e.steps()).containsOnly(4);
    }

    @Test
    void theBudgetForcesTheFinalStep() {
        StepRule euler = StepRule.of(MAP, Solver.EULER, 3);
        assertThat(euler.next(80, 0.01, 0)).isPositive();
        assertThat(euler.next(40, 0.01, 1)).isPositive();
        assertThat(euler.next(20, 0.01, 2)).isZero();
        StepRule heun = StepRule.of(MAP, Solver.HEUN, 5);
        assertThat(heun.next(80, 0.01, 0)).isPositive();
        assertThat(heun.next(40, 0.01, 2)).isPositive();
        assertThat(heun.next(20, 0.01, 4)).isZero();
        assertThat(StepRule.of(MAP, Solver.HEUN, 2).next(80, 0.01, 0)).isZero();
        assertThat(euler.next(80, 1.0, 0)).isZero();
        assertThatThrownBy(() -> euler.next(20, Double.NaN, 0)).isInstanceOf(ArtException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> euler.next(20, 0.1, 3)).isInstanceOf(ArtException.class)
                .hasMessageContaining("3 of 3");
    }

    @Test
    void theMapIsLogAffineAndInvertible() {
        assertThat(MAP.sigma(1)).isCloseTo(80, within(1e-12));
        assertThat(MAP.sigma(0)).isZero();
        assertThat(MAP.sigma(0.5)).isCloseTo(Math.sqrt(0.002 * 80), within(1e-12));
        for (double t = 0.05; t < 1; t += 0.1) {
            assertThat(MAP.t(MAP.sigma(t))).isCloseTo(t, within(1e-12));
        }
        assertThatThrownBy(() -> new NoiseLevelMap(1, 0.5)).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected 0 < sigma_min < sigma_max");
    }

    @Test
    void theRegistryFindsTheBuiltInPolicyAndRejectsDuplicatesAndUnknownNames() {
        AdaptiveScheduler s = AdaptiveSchedulers.create("constant:step=0.5,sigma_max=10", Solver.EULER, 4);
        assertThat(s.firstSigma()).isEqualTo(10.0);
        assertThat(AdaptiveSchedulers.defaults().providerNames()).contains("constant");
        assertThatThrownBy(() -> AdaptiveSchedulers.create("nope", Solver.EULER, 4)).isInstanceOf(ArtException.class)
                .hasMessageContaining("unknown adaptive policy 'nope'");
        assertThatThrownBy(() -> AdaptiveSchedulers.create("constant:bad=1", Solver.EULER, 4))
                .isInstanceOf(ArtException.class).hasMessageContaining("unknown option 'bad'");
        AdaptivePolicyProvider p = new ConstantPolicy.Provider();
        assertThatThrownBy(() -> AdaptiveSchedulers.of(List.of(p, p))).isInstanceOf(ArtException.class)
                .hasMessageContaining("duplicate adaptive policy name 'constant'");
        assertThat(AdaptiveSchedulers.of(List.of(p)).policy("constant").map()).isEqualTo(MAP);
        assertThat(p.create(Map.of("step", "0.2")).name()).startsWith("constant:step=0.2");
    }
}
