package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Gaussian1dW2Test {
    private static final double T = 3.0;
    private static final int[] KS = {2, 5, 10, 20, 50, 100};
    private static final double[] UNIFORM_EXACT = {.4648, .2117, .1103, .0565, .0230, .0116};
    private static final double[] EDM7_EXACT = {.6617, .3158, .1736, .0908, .0373, .0188};

    /** The paper's grids s_k = T (1 - k/K)^rho (rho = 1 is Uniform). */
    static double[] paperGrid(int k, double rho) {
        double[] s = new double[k + 1];
        for (int i = 0; i <= k; i++) {
            s[i] = T * Math.pow(1.0 - (double) i / k, rho);
        }
        s[k] = 0.0;
        return s;
    }

    @Test
    void uniformExactMatchesArtMd() {
        for (int i = 0; i < KS.length; i++) {
            assertThat(Gaussian1dW2.exact(paperGrid(KS[i], 1))).as("K = %d", KS[i])
                    .isCloseTo(UNIFORM_EXACT[i], within(6e-5));
        }
    }

    @Test
    void edmRho7ExactMatchesArtMd() {
        for (int i = 0; i < KS.length; i++) {
            assertThat(Gaussian1dW2.exact(paperGrid(KS[i], 7))).as("K = %d", KS[i])
                    .isCloseTo(EDM7_EXACT[i], within(6e-5));
        }
    }

    @Test
    void exactAtTwoStepsMatchesClosedFormAndOptimum() {
        // K = 2 with interior point s1: gain = (1 + (s1 - T) T / (1 + T^2)) (1 - s1^2 / (1 + s1^2)).
        double s1 = 0.721;
        double gain = (1 + (s1 - T) * T / (1 + T * T)) * (1 - s1 * s1 / (1 + s1 * s1));
        double expected = Math.abs(Math.abs(gain) * Math.sqrt(1 + T * T) - 1);
        assertThat(Gaussian1dW2.exact(new double[] {T, s1, 0})).isCloseTo(expected, within(1e-12))
                .isCloseTo(0.3419, within(1e-4));
        for (double s : new double[] {0.5, 0.65, 0.8, 1.0}) {
            assertThat(Gaussian1dW2.exact(new double[] {T, s, 0})).isGreaterThan(0.3419);
        }
    }

    @Test
    void exactDecreasesWithMoreUniformSteps() {
        double previous = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= 200; k *= 2) {
            double w = Gaussian1dW2.exact(paperGrid(k, 1));
            assertThat(w).isLessThan(previous);
            previous = w;
        }
        assertThat(Gaussian1dW2.exact(paperGrid(4000, 1))).isLessThan(1e-3);
    }

    @Test
    void eulerGainIsTheProductOfStepFactors() {
        double[] s = {3, 1, 0};
        double expected = (1 + (1 - 3) * 3 / 10.0) * (1 + (0 - 1) * 1 / 2.0);
        assertThat(Gaussian1dW2.eulerGain(s)).isCloseTo(expected, within(1e-15));
    }

    @Test
    void monteCarloAgreesWithExactWithin0005() {
        for (int i = 0; i < KS.length; i += 2) {
            double[] uniform = paperGrid(KS[i], 1);
            double[] edm = paperGrid(KS[i], 7);
            assertThat(Gaussian1dW2.monteCarlo(uniform, 100_000, 11 + i)).as("uniform K = %d", KS[i])
                    .isCloseTo(Gaussian1dW2.exact(uniform), within(0.005));
            assertThat(Gaussian1dW2.monteCarlo(edm, 100_000, 23 + i)).as("edm K = %d", KS[i])
                    .isCloseTo(Gaussian1dW2.exact(edm), within(0.005));
        }
    }

    @Test
    void monteCarloReproducesThePapersTable1() {
        // Paper Table 1 (Monte-Carlo W2): Uniform, EDM-T (rho 3), EDM (rho 7); exact values lie just below.
        double[][] paper = {
            {.468, .215, .114, .060, .027, .016},
            {.414, .195, .105, .056, .025, .015},
            {.664, .319, .177, .094, .041, .023},
        };
        double[] rhos = {1, 3, 7};
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < KS.length; i++) {
                double[] grid = paperGrid(KS[i], rhos[r]);
                assertThat(Gaussian1dW2.monteCarlo(grid, 100_000, 1)).as("rho %s, K = %d", rhos[r], KS[i])
                        .isCloseTo(paper[r][i], within(0.004));
                assertThat(Gaussian1dW2.exact(grid)).as("rho %s, K = %d", rhos[r], KS[i])
                        .isLessThan(paper[r][i]).isGreaterThan(paper[r][i] - 0.006);
            }
        }
    }

    @Test
    void monteCarloIsSeededAndDependsOnSeed() {
        double[] s = paperGrid(5, 1);
        assertThat(Gaussian1dW2.monteCarlo(s, 1000, 7)).isEqualTo(Gaussian1dW2.monteCarlo(s, 1000, 7))
                .isNotEqualTo(Gaussian1dW2.monteCarlo(s, 1000, 8));
    }

    @Test
    void inverseNormalMatchesKnownQuantiles() {
        assertThat(Gaussian1dW2.inverseNormal(0.5)).isCloseTo(0.0, within(1e-12));
        assertThat(Gaussian1dW2.inverseNormal(0.975)).isCloseTo(1.959963984540054, within(1e-10));
        assertThat(Gaussian1dW2.inverseNormal(0.001)).isCloseTo(-3.090232306167813, within(1e-9));
        assertThat(Gaussian1dW2.inverseNormal(1 - 1e-7)).isCloseTo(5.199337582187471, within(1e-8));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Gaussian1dW2.exact(new double[] {3, 1, 0.1}))
                .isInstanceOf(ArtException.class).hasMessageContaining("final sigma");
        assertThatThrownBy(() -> Gaussian1dW2.monteCarlo(paperGrid(2, 1), 1, 1))
                .isInstanceOf(ArtException.class).hasMessageContaining("found 1");
        assertThatThrownBy(() -> Gaussian1dW2.inverseNormal(1.0)).isInstanceOf(ArtException.class);
    }
}
