package dev.artsched.examples.polyexp;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolyexponentialProviderTest {

    @Test
    void discoveredThroughTheRegistryAndMatchesTheExponentialGridAtRhoOne() {
        assertThat(TimestepSchedulers.names()).contains("polyexp-plugin", "edm");
        Schedule p = TimestepSchedulers.schedule("polyexp-plugin", 10);
        Schedule e = TimestepSchedulers.schedule("exponential", 10);
        assertThat(p.sigmas()).containsExactly(e.sigmas(), within(1e-12));
        for (int n = 1; n <= 300; n++) {
            Schedule.validate(TimestepSchedulers.schedule("polyexp-plugin:rho=2.5,sigma_max=14.6,sigma_min=0.03", n).sigmas());
        }
        assertThatThrownBy(() -> TimestepSchedulers.create("polyexp-plugin:rho=0"))
                .hasMessageContaining("'rho'").hasMessageContaining("> 0");
    }
}
