package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ResamplingTest {

    private static double[] randomGrid(SplittableRandom rng, int n) {
        double[] s = new double[n + 1];
        s[0] = Math.exp(rng.nextDouble(-2, 5));
        for (int i = 1; i < n; i++) {
            s[i] = s[i - 1] * rng.nextDouble(0.05, 0.999);
        }
        return s;
    }

    @Test
    void bothRulesKeepEndpointsAndReturnTheOriginalAtTheTrainedN() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 500; trial++) {
            int n = 2 + rng.nextInt(200);
            double[] g = randomGrid(rng, n);
            assertThat(Resampling.timeMap(g, n)).containsExactly(g);
            assertThat(Resampling.logLinear(g, n)).containsExactly(g);
            int m = 1 + rng.nextInt(300);
            double[] t = Resampling.timeMap(g, m);
            double[] l = Resampling.logLinear(g, m);
            Schedule.validate(t);
            Schedule.validate(l);
            assertThat(t).hasSize(m + 1);
            assertThat(l).hasSize(m + 1);
            assertThat(t[0]).isEqualTo(g[0]);
            assertThat(l[0]).isEqualTo(g[0]);
            assertThat(t[m]).isZero();
            assertThat(l[m]).isZero();
            if (m > 1) {
                assertThat(l[m - 1]).as("log-linear keeps the last positive sigma").isEqualTo(g[n - 1]);
            }
        }
    }

    @Test
    void timeMapOfAFineGridMatchesTheMapEvaluatedDirectly() {
        DoubleUnaryOperator[] maps = {
            u -> 3 * Math.pow(1 - u, 7),
            u -> 80 * (1 - u) * Math.exp(-3 * u),
            u -> 3 * (1 - u * u),
        };
        int fine = 1000;
        for (DoubleUnaryOperator map : maps) {
            double[] g = new double[fine + 1];
            for (int k = 0; k <= fine; k++) {
                g[k] = k == fine ? 0 : map.applyAsDouble((double) k / fine);
            }
            for (int m : new int[] {1, 2, 5, 10, 20, 50, 100, 250, 500, 1000}) {
                double[] r = Resampling.timeMap(g, m);
                for (int j = 0; j <= m; j++) {
                    double direct = j == m ? 0 : map.applyAsDouble((double) j / m);
                    // the clock points j/m fall on fine grid points (m divides 1000): equal up to rounding
                    assertThat(r[j]).isCloseTo(direct, within(1e-12 * Math.max(1, direct)));
                }
            }
            for (int m : new int[] {3, 7, 17, 18, 39, 333}) {
                double[] r = Resampling.timeMap(g, m);
                for (int j = 0; j <= m; j++) {
                    double direct = j == m ? 0 : map.applyAsDouble((double) j / m);
                    // off-grid points: piecewise-linear interpolation error O(h^2 max|psi''|)
                    assertThat(r[j]).isCloseTo(direct, within(1e-4 * g[0]));
                }
            }
        }
    }

    @Test
    void paperExampleClosedFormToTwoSteps() {
        // a time map whose K=100 grid passes through sigma(0.5) = 0.86 resamples to [3, 0.86, 0] (docs/MATH.md section 5)
        double[] g = new double[101];
        for (int k = 0; k < 100; k++) {
            double u = k / 100.0;
            g[k] = u <= 0.5 ? 3 - (3 - 0.86) * (u / 0.5) : 0.86 * (1 - (u - 0.5) / 0.5);
        }
        assertThat(Resampling.timeMap(g, 2)).containsExactly(new double[] {3, 0.86, 0}, within(1e-12));
    }

    @Test
    void logLinearIsLinearInLogSigma() {
        double[] g = {8, 4, 2, 1, 0};
        double[] r = Resampling.logLinear(g, 7);
        for (int j = 0; j < 7; j++) {
            assertThat(Math.log(r[j])).isCloseTo(Math.log(8) - j * Math.log(8) / 6, within(1e-12));
        }
        assertThatThrownBy(() -> Resampling.logLinear(new double[] {3, 0}, 4)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Resampling.timeMap(g, 0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> Resampling.Rule.parse("cubic")).hasMessageContaining("time-map or loglinear");
    }
}
