package dev.artsched.training.compare;

import dev.artsched.scheduler.Solver;
import dev.artsched.training.refine.Refine;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A three-member smoke run of the family benchmark (the full run is a documented main, not a unit test). */
class FamilyBenchmarkTest {

    @Test
    void refineMatchesTheBestOtherMethodAndGitsAndArtRlBeatEdmOnThreeMembers() {
        Refine.Config refine = new Refine.Config(512, 512, 64, 60, 0.05, 20, 128, Refine.Gradient.AUTO, 0, 0);
        for (long seed : new long[] {1, 2, 6}) {
            Map<String, double[]> r = FamilyBenchmark.member(seed, Solver.EULER, new int[] {5}, 2048, refine, 20, 2048);
            double best = Double.POSITIVE_INFINITY;
            for (String m : FamilyBenchmark.METHODS) {
                if (!m.equals("refine") && !Double.isNaN(r.get(m)[0])) {
                    best = Math.min(best, r.get(m)[0]);
                }
            }
            assertThat(r.get("refine")[0]).as("zoo-%d refine", seed).isLessThanOrEqualTo(1.05 * best);
            assertThat(r.get("gits")[0]).as("zoo-%d gits", seed).isLessThan(r.get("edm")[0]);
            assertThat(r.get("art-rl")[0]).as("zoo-%d art-rl", seed).isLessThan(r.get("edm")[0]);
            assertThat(r.get(FamilyBenchmark.TEST_NOISES)[0]).isEqualTo(2048);
        }
    }
}
