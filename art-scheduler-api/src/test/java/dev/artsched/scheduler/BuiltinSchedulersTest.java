package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BuiltinSchedulersTest {

    /** EDM defaults (sigma_min 0.002, sigma_max 80, rho 7), N = 18, computed with 50-digit decimal arithmetic. */
    private static final double[] EDM18 = {80, 57.58598472124816, 40.785573796507961, 28.374584604156837,
        19.352452980325221, 12.910082380757316, 8.4009353090998218, 5.3151945217963785, 3.2568215197655381,
        1.9233398370400498, 1.0881706365452795, 0.58534812319454232, 0.29644228447915727, 0.13951646873101647,
        0.059947311235471569, 0.02293451837233337, 0.0075280199627840707, 0.002, 0};

    @Test
    void edmDefaultEighteenStepGridMatchesIndependentValues() {
        Schedule s = TimestepSchedulers.schedule("edm", 18);
        assertThat(s.steps()).isEqualTo(18);
        for (int i = 0; i < EDM18.length; i++) {
            assertThat(s.sigma(i)).as("sigma[%d]", i).isCloseTo(EDM18[i], within(1e-12 * EDM18[i]));
        }
    }

    @Test
    void paperConventionWithSigmaMinZero() {
        double[] u = TimestepSchedulers.schedule("uniform:sigma_max=3", 4).sigmas();
        assertThat(u).containsExactly(3.0, 2.25, 1.5, 0.75, 0.0);
        double[] e = TimestepSchedulers.schedule("edm:rho=7,sigma_max=3,sigma_min=0", 2).sigmas();
        assertThat(e[1]).isCloseTo(3 * Math.pow(0.5, 7), within(1e-15));
        assertThat(e[2]).isZero();
        double[] r3 = TimestepSchedulers.schedule("edm:rho=3,sigma_max=3,sigma_min=0", 5).sigmas();
        for (int k = 0; k <= 5; k++) {
            assertThat(r3[k]).isCloseTo(3 * Math.pow(1 - k / 5.0, 3), within(1e-14));
        }
    }

    @Test
    void edmCodeConventionWithPositiveSigmaMin() {
        double[] u = TimestepSchedulers.schedule("uniform:sigma_max=4,sigma_min=1", 4).sigmas();
        assertThat(u).containsExactly(4.0, 3.0, 2.0, 1.0, 0.0);
        double[] x = TimestepSchedulers.schedule("exponential:sigma_max=8,sigma_min=1", 4).sigmas();
        assertThat(x[1]).isCloseTo(4.0, within(1e-12));
        assertThat(x[2]).isCloseTo(2.0, within(1e-12));
        assertThat(x[3]).isEqualTo(1.0);
        assertThat(TimestepSchedulers.schedule("edm", 1).sigmas()).containsExactly(80.0, 0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "edm", "exponential"})
    void propertyEveryGridSatisfiesTheContract(String name) {
        SplittableRandom rng = new SplittableRandom(42 + name.hashCode());
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rng.nextInt(1000);
            double min = name.equals("exponential") || rng.nextBoolean() ? Math.exp(rng.nextDouble(-9, 0)) : 0.0;
            double max = Math.max(min * 1.5, 1e-3) * Math.exp(rng.nextDouble(0.1, 8));
            String spec = name + ":sigma_min=" + min + ",sigma_max=" + max
                    + (name.equals("edm") ? ",rho=" + rng.nextDouble(0.5, 12) : "");
            Schedule s = TimestepSchedulers.schedule(spec, n);
            assertThat(s.steps()).isEqualTo(n);
            Schedule.validate(s.sigmas());
            assertThat(s.sigma(0)).isEqualTo(max);
            assertThat(s.sigma(n)).isZero();
            if (min > 0) {
                assertThat(s.sigmaMinPositive()).isEqualTo(min);
            }
        }
    }

    @Test
    void badOptionsAreRejectedClearly() {
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rh0=7"))
                .hasMessageContaining("unknown option 'rh0'").hasMessageContaining("rho");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho=abc"))
                .hasMessageContaining("must be a number").hasMessageContaining("abc");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho=-1")).hasMessageContaining("rho");
        assertThatThrownBy(() -> TimestepSchedulers.create("uniform:sigma_max=1,sigma_min=2"))
                .hasMessageContaining("sigma_max");
        assertThatThrownBy(() -> TimestepSchedulers.create("exponential:sigma_min=0"))
                .hasMessageContaining("sigma_min > 0");
        assertThatThrownBy(() -> TimestepSchedulers.schedule("edm", 0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho=NaN")).hasMessageContaining("finite");
    }
}
