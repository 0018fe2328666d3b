package dev.artsched.training.rl;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The family benchmark's path on three members with tiny settings: every cell is a real, budget-exact grid. */
class ArtRlFamilyBenchmarkTest {
    @Test
    void threeMembersGiveValidBudgetExactGridsNoWorseThanUniform() {
        List<ArtRlFamilyBenchmark.Cell> cells = new ArrayList<>();
        for (long seed = 100; seed < 103; seed++) {
            cells.addAll(ArtRlFamilyBenchmark.member(seed, new int[] {5}, 8, 0.1, 128, 64));
        }
        assertThat(cells).hasSize(6);
        for (ArtRlFamilyBenchmark.Cell c : cells) {
            String cell = c.member() + " " + c.solver().id();
            double[] s = c.sigmas();
            Schedule.validate(s);
            assertThat(s).as(cell).hasSize(6);
            assertThat(s[5]).as(cell).isZero();
            assertThat(Math.abs(c.result().convergence().budgetError())).as(cell).isLessThan(0.01);
            assertThat(c.artRl()).as(cell).isLessThanOrEqualTo(c.uniform());
            assertThat(c.learnedWeight()).as(cell).isIn(0.0, 0.25, 0.5, 0.75, 1.0);
            if (c.solver() == Solver.HEUN) {
                // the Heun run's prior is the Heun closed form itself (same rollouts and seed)
                assertThat(c.prior()).as(cell).isCloseTo(c.closedForm(), within(1e-12 * c.closedForm()));
            }
            if (c.learnedWeight() == 0.0) {
                // the gate kept the prior's grid, the closed form from ART-RL's own reference
                assertThat(c.artRl()).as(cell).isCloseTo(c.prior(), within(1e-12 * c.prior()));
            }
        }
    }
}
