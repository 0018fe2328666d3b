package dev.artsched.training.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class NetworksTest {

    @Test
    void engineLoadsOfflineFromTheNativeJar() {
        assertThat(DjlRuntime.version()).startsWith("PyTorch 2.7.1");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void paperMlpHasThreeFloat64LinearLayersAndStartsTheActorAtThetaOne() {
        try (Mlp actor = NetworkFactory.PAPER.create(3, new Rng(1))) {
            double[][] p = actor.parameters();
            assertThat(p.length).isEqualTo(6);
            assertThat(p[0]).hasSize(128 * 3);
            assertThat(p[2]).hasSize(128 * 128);
            assertThat(p[4]).hasSize(128);
            assertThat(actor.parameterArrays().get(0).getDataType()).isEqualTo(DataType.FLOAT64);
            for (double w : p[0]) {
                assertThat(Math.abs(w)).isLessThanOrEqualTo(1 / Math.sqrt(3));
            }
            actor.initOutputLayer(0.01, 1.0);
            double[] out = actor.predict(new double[] {0, 1, 0, 1.5, -2, 1.5, 3, 4, 3}, 3);
            for (double o : out) {
                assertThat(o).isCloseTo(1.0, within(0.05));
            }
        }
    }

    @Test
    void sameSeedSameWeights() {
        try (Mlp a = NetworkFactory.PAPER.create(3, new Rng(9)); Mlp b = NetworkFactory.PAPER.create(3, new Rng(9))) {
            assertThat(a.parameters()).isDeepEqualTo(b.parameters());
            assertThat(a.predict(new double[] {1, 2, 3}, 1)).containsExactly(b.predict(new double[] {1, 2, 3}, 1));
        }
    }

    @Test
    void adamMatchesItsClosedFormOnAQuadratic() {
        // minimise 0.5 * w^2 from w = 1: the first Adam step moves by exactly lr (bias-corrected m / sqrt(v) = 1)
        DjlRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
            NDArray w = m.create(new double[] {1.0, -2.0});
            w.setRequiresGradient(true);
            Adam adam = new Adam("test", 0.1, 0.9, 0.999, 1e-8);
            double[] expected = {1.0, -2.0};
            double[] mm = new double[2];
            double[] vv = new double[2];
            for (int step = 1; step <= 3; step++) {
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    gc.backward(w.mul(w).sum().mul(0.5));
                }
                for (int j = 0; j < 2; j++) {
                    double g = expected[j];
                    mm[j] = 0.9 * mm[j] + 0.1 * g;
                    vv[j] = 0.999 * vv[j] + 0.001 * g * g;
                    expected[j] -= 0.1 * (mm[j] / (1 - Math.pow(0.9, step)))
                            / (Math.sqrt(vv[j] / (1 - Math.pow(0.999, step))) + 1e-8);
                }
                adam.step(List.of(w));
                NDArray g = w.getGradient();
                g.subi(g);
                assertThat(w.toDoubleArray()).containsExactly(expected, within(1e-12));
                if (step == 1) {
                    assertThat(w.toDoubleArray()).containsExactly(new double[] {0.9, -1.9}, within(1e-6));
                }
            }
            Adam copy = new Adam("copy", 0.1, 0.9, 0.999, 1e-8);
            copy.importState(adam.exportState());
            assertThat(copy.exportState()).isDeepEqualTo(adam.exportState());
        }
    }

    @Test
    void nonFiniteGradientIsRejected() {
        DjlRuntime.engine();
        try (NDManager m = NDManager.newBaseManager(DjlRuntime.ENGINE)) {
            NDArray w = m.create(new double[] {0.0}, new Shape(1));
            w.setRequiresGradient(true);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                gc.backward(w.log().sum());
            }
            Adam adam = new Adam("critic", 1e-4, 0.9, 0.999, 1e-8);
            assertThatThrownBy(() -> adam.step(List.of(w))).isInstanceOf(ArtException.class)
                    .hasMessageContaining("critic network's gradient became non-finite");
        }
    }
}
