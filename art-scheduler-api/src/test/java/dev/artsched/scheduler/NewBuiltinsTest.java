package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options, model ranges and the grid contract of ddim_uniform, linear_quadratic and diffusers_discrete. */
class NewBuiltinsTest {

    @Test
    void linearQuadraticTakesTheModelsSigmaMaxUnlessSet() {
        TimestepScheduler def = TimestepSchedulers.create("linear_quadratic");
        assertThat(def.schedule(4).sigmaMax()).isEqualTo(14.614641189575195);
        Schedule flow = def.schedule(4, SigmaRange.of(0.002, 1.0));
        assertThat(flow.sigmaMax()).isEqualTo(1.0);
        assertThat(flow.sigmas()).containsExactly(1.0, 0.9875f, 0.975f, 0.725f, 0.0); // 1 - [0, 0.0125, 0.025, 0.275, 1]
        TimestepScheduler set = TimestepSchedulers.create("linear_quadratic:sigma_max=2");
        assertThat(set.withModelRange(SigmaRange.of(0.002, 1.0))).isSameAs(set);
        assertThat(TimestepSchedulers.schedule("linear_quadratic", 1).sigmas()).containsExactly(14.614641189575195, 0.0);
        assertThatThrownBy(() -> TimestepSchedulers.create("linear_quadratic:rho=2"))
                .hasMessageContaining("expected one of [sigma_max]");
        assertThatThrownBy(() -> new LinearQuadraticScheduler(0)).hasMessageContaining("found 0.0");
    }

    @Test
    void everyGridIsValidUpToAThousandSteps() {
        TimestepScheduler lq = TimestepSchedulers.create("linear_quadratic");
        TimestepScheduler ddim = TimestepSchedulers.create("ddim_uniform");
        TimestepScheduler leading = TimestepSchedulers.create("diffusers_discrete:spacing=leading");
        TimestepScheduler linspace = TimestepSchedulers.create("diffusers_discrete");
        int ddimExact = 0;
        for (int n = 1; n <= 999; n++) {
            assertThat(lq.schedule(n).steps()).isEqualTo(n);
            assertThat(linspace.schedule(n).steps()).isEqualTo(n);
            if (n <= 500) {
                assertThat(leading.schedule(n).steps()).isEqualTo(n);
            }
            if (DiscreteScheduler.ddimCount(1000, n) == n) {
                assertThat(ddim.schedule(n).steps()).isEqualTo(n);
                ddimExact++;
            }
        }
        assertThat(ddimExact).isGreaterThan(20);
        // leading with T // N = 1 and steps_offset 1 reaches timestep 1000, past the table's end
        assertThatThrownBy(() -> leading.schedule(1000)).isInstanceOf(ArtException.class)
                .hasMessageContaining("diffusers_discrete").hasMessageContaining("strictly decreasing");
    }

    @Test
    void ddimUniformNamesTheStepCountsThatWork() {
        assertThatThrownBy(() -> TimestepSchedulers.schedule("ddim_uniform", 30)).isInstanceOf(ArtException.class)
                .hasMessage("ddim_uniform: expected 30 steps, found 31: ComfyUI's stride 1000 // 30 = 33 places 31 "
                        + "steps on a table of 1000 entries; the nearest step counts it places exactly: 27 and 37");
        assertThat(TimestepSchedulers.schedule("ddim_uniform:timesteps=10", 3).sigmas()).hasSize(4);
    }
}
