package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTest {

    @Test
    void acceptsValidGridAndCopiesDefensively() {
        double[] raw = {3.0, 1.0, 0.0};
        Schedule s = Schedule.of("t", raw);
        raw[1] = 5;
        assertThat(s.sigma(1)).isEqualTo(1.0);
        double[] out = s.sigmas();
        out[0] = 99;
        assertThat(s.sigmaMax()).isEqualTo(3.0);
        assertThat(s.steps()).isEqualTo(2);
        assertThat(s.sigmaMinPositive()).isEqualTo(1.0);
        assertThat(s).isEqualTo(Schedule.of("t", 3.0, 1.0, 0.0)).hasSameHashCodeAs(Schedule.of("t", 3.0, 1.0, 0.0));
    }

    @Test
    void rejectsContractViolationsNamingIndexAndValue() {
        assertThatThrownBy(() -> Schedule.of("t", 0.0)).hasMessageContaining("at least 2 sigmas").hasMessageContaining("found 1");
        assertThatThrownBy(() -> Schedule.of("t", 3.0, 1.0, 0.5))
                .hasMessageContaining("sigma[2]").hasMessageContaining("must be 0").hasMessageContaining("0.5");
        assertThatThrownBy(() -> Schedule.of("t", 3.0, 3.0, 0.0))
                .hasMessageContaining("strictly decreasing").hasMessageContaining("sigma[1] = 3.0");
        assertThatThrownBy(() -> Schedule.of("t", 3.0, Double.NaN, 0.0))
                .hasMessageContaining("sigma[1]").hasMessageContaining("NaN");
        assertThatThrownBy(() -> Schedule.of("t", Double.POSITIVE_INFINITY, 1.0, 0.0))
                .hasMessageContaining("sigma[0]").hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Schedule.of("t", 3.0, -1.0, 0.0))
                .hasMessageContaining("sigma[1] must be > 0").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> Schedule.of("t", 1.0, 3.0, 0.0)).hasMessageContaining("sigma[1] = 3.0");
    }

    @Test
    void nfeAndBudget() {
        Schedule s = Schedule.of("t", 4, 3, 2, 1, 0);
        assertThat(s.nfe(Solver.EULER)).isEqualTo(4);
        assertThat(s.nfe(Solver.HEUN)).isEqualTo(7);
        for (int budget = 1; budget <= 200; budget++) {
            for (Solver solver : Solver.values()) {
                int n = solver.maxSteps(budget);
                assertThat(solver.nfe(n)).isLessThanOrEqualTo(budget);
                assertThat(solver.nfe(n + 1)).isGreaterThan(budget);
            }
        }
        assertThat(Solver.HEUN.maxSteps(35)).isEqualTo(18);
        assertThat(Solver.HEUN.maxSteps(0)).isZero();
        assertThat(Solver.parse(" Heun ")).isEqualTo(Solver.HEUN);
        assertThatThrownBy(() -> Solver.parse("rk4")).hasMessageContaining("expected one of euler, heun");
    }

    @Test
    void userValuesInMessagesStayOnOneLine() {
        assertThatThrownBy(() -> Solver.parse("pe\nx")).hasMessage("unknown solver 'pe\\u000ax': expected one of euler, heun");
        assertThat(ArtException.quote("a".repeat(200))).hasSize(80).endsWith("...");
        assertThat(ArtException.quote(null)).isEqualTo("null");
        assertThatThrownBy(() -> TimestepSchedulers.create("edm:rho=1\n2")).hasMessageNotContaining("\n");
        assertThatThrownBy(() -> TimestepSchedulers.create("e\rdm")).hasMessageNotContaining("\r");
    }
}
