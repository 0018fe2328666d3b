package dev.artsched.cli;

import dev.artsched.training.rl.ArtRlConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The preset-dependent ART-RL options: the robust preset's clock and the exploration level each clock uses. */
class ArtRlOptionsTest {
    private static ArtRlConfig apply(String preset, String clock, Double lambda) {
        ArtRlOptions o = new ArtRlOptions();
        o.preset = preset;
        o.stepCost = "left";
        o.clock = clock;
        o.lambda = lambda;
        return o.apply(o.preset(0));
    }

    @Test
    void theRobustPresetRunsTheExactClockAndItsFreeClockKeepsTheRelativeLambda() {
        ArtRlConfig robust = apply("robust", null, null);
        assertThat(robust.budgetExact()).isTrue();
        assertThat(robust.lambda()).isEqualTo(0.1);
        ArtRlConfig free = apply("robust", "free", null);
        assertThat(free.budgetExact()).isFalse();
        assertThat(free.lambda()).isEqualTo(ArtRlConfig.ROBUST_FREE_LAMBDA);
        assertThat(free.relativeLambda()).isTrue();
        assertThat(apply("robust", "free", 0.3).lambda()).isEqualTo(0.3);
        assertThat(apply("robust", "exact", null).lambda()).isEqualTo(0.1);
        ArtRlConfig paper = apply("paper", null, null);
        assertThat(paper.budgetExact()).isFalse();
        assertThat(apply("paper", "free", null).lambda()).isEqualTo(0.1);
    }
}
