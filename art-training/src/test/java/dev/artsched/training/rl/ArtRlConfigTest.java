package dev.artsched.training.rl;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ArtRlConfigTest {

    private static Object component(ArtRlConfig c, RecordComponent rc) {
        try {
            return rc.getAccessor().invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Every copy method changes exactly the fields it names and keeps all the others. */
    @Test
    void eachCopyMethodChangesOnlyItsOwnFields() {
        ArtRlConfig base = ArtRlConfig.paper(3);
        Map<String, UnaryOperator<ArtRlConfig>> copies = Map.ofEntries(
                Map.entry("trainSteps", c -> c.withTrainSteps(7)),
                Map.entry("iterations", c -> c.withIterations(11)),
                Map.entry("batch", c -> c.withBatch(5)),
                Map.entry("distill", c -> c.withDistill(13)),
                Map.entry("checkpointEvery", c -> c.withCheckpointEvery(17)),
                Map.entry("lambda", c -> c.withLambda(0.25)),
                Map.entry("gammaStep", c -> c.withGammaStep(0.5)),
                Map.entry("meanHead", c -> c.withMeanHead(MeanHead.EXP)),
                Map.entry("timeOnlyActor", c -> c.withTimeOnlyActor(true)),
                Map.entry("relativeLambda", c -> c.withRelativeLambda(true)),
                Map.entry("closedFormPrior", c -> c.withClosedFormPrior(true)),
                Map.entry("monteCarlo", c -> c.withMonteCarlo(true)),
                Map.entry("realizedProgress", c -> c.withRealizedProgress(true)),
                Map.entry("trapezoidCost", c -> c.withTrapezoidCost(true)),
                Map.entry("seed", c -> c.withSeed(99)),
                Map.entry("annealFactor", c -> c.withAnneal(0.1, c.annealFrom())));
        RecordComponent[] rcs = ArtRlConfig.class.getRecordComponents();
        for (Map.Entry<String, UnaryOperator<ArtRlConfig>> e : copies.entrySet()) {
            ArtRlConfig copy = e.getValue().apply(base);
            List<String> changed = new ArrayList<>();
            for (RecordComponent rc : rcs) {
                if (!component(base, rc).equals(component(copy, rc))) {
                    changed.add(rc.getName());
                }
            }
            assertEquals(List.of(e.getKey()), changed, "fields changed by the copy for " + e.getKey());
        }
        ArtRlConfig prior = base.withClosedFormPrior(true);
        assertEquals(List.of(true, false), List.of(prior.withBudgetExact(true).budgetExact(), prior.budgetExact()));
        assertEquals(prior, prior.withBudgetExact(true).withBudgetExact(false));
        org.junit.jupiter.api.Assertions.assertThrows(dev.artsched.scheduler.ArtException.class,
                () -> base.withBudgetExact(true), "the budget-exact clock needs the closed-form prior");
        ArtRlConfig ref = base.withGammaReference(64, 200);
        assertEquals(64, ref.gammaRollouts());
        assertEquals(200, ref.fineSteps());
        assertEquals(base.withGammaReference(base.gammaRollouts(), base.fineSteps()), base);
        assertNotEquals(base, ref);
    }

    @Test
    void copiesAreValidatedLikeTheConstructor() {
        ArtRlConfig base = ArtRlConfig.paper(0);
        ArtException e = assertThrows(ArtException.class, () -> base.withBatch(0));
        assertEquals("batch must be in [1, 65536], found 0", e.getMessage());
        assertThrows(ArtException.class, () -> base.withLambda(Double.NaN));
    }

    @Test
    void annealingStartsAtItsFractionAndTheDistillationTakesOnlyTheAnnealedPhase() {
        ArtRlConfig c = ArtRlConfig.paper(0).withIterations(5000).withBatch(16).withDistill(10_000);
        assertEquals(5000, c.annealStart(), "the paper's recipe never anneals");
        assertEquals(4375, c.distillStart(), "the paper's recipe distils the last 625 iterations");
        assertEquals(1.0, c.lambdaFactor(4999));
        ArtRlConfig a = c.withAnneal(0.02, 0.7);
        assertEquals(3500, a.annealStart());
        assertEquals(4375, a.distillStart());
        assertEquals(1.0, a.lambdaFactor(3499));
        assertEquals(0.02, a.lambdaFactor(3500));
        // 800 iterations of B = 8 with 3,200 distilled trajectories: the last 400 iterations would be distilled,
        // but only the 240 annealed ones are
        ArtRlConfig mnist = a.withIterations(800).withBatch(8).withDistill(3200);
        assertEquals(560, mnist.annealStart());
        assertEquals(560, mnist.distillStart());
        // a short run with a large M (the demo: 150 x 8, M = 10,000) still explores for 70% of it
        ArtRlConfig demo = a.withIterations(150).withBatch(8);
        assertEquals(105, demo.annealStart());
        assertEquals(105, demo.distillStart());
        assertEquals(0, demo.withAnneal(1.0, 0.7).distillStart());
        assertThrows(ArtException.class, () -> c.withAnneal(0.0, 0.5));
        assertThrows(ArtException.class, () -> c.withAnneal(1.5, 0.5));
        assertThrows(ArtException.class, () -> c.withAnneal(0.5, -0.1));
    }

    @Test
    void paperDefaultsAreTheVerifiedOnes() {
        ArtRlConfig c = ArtRlConfig.paper(0);
        assertEquals(100, c.trainSteps());
        assertEquals(5000, c.iterations());
        assertEquals(16, c.batch());
        assertEquals(0.1, c.lambda());
        assertEquals(1e-4, c.gammaStep());
        assertEquals(10_000, c.distill());
        assertEquals(625, c.distillIterations());
    }
}
