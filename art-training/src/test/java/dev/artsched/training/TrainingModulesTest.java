package dev.artsched.training;

import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.problem.FlowModel;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.ArtRlResult;
import dev.artsched.training.run.TrainingRun;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.FeatureMap;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.rl.ArtRlTrainer;
import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TrainingModulesTest {
    private static final Path MIXTURE = Path.of("..", "models", "mixture2d");

    @Test
    void standardModulesAssembleTheAnalyticBenchmark() {
        Injector inj = TrainingModules.injector(TrainingModules.standard("analytic:gauss1d",
                TrainingModules.JvpStrategy.GRAPH, null, null, null));
        ArtProblem p = TrainingModules.get(inj, ArtProblem.class);
        assertThat(p.sigmaMax()).isEqualTo(3.0);
        assertThat(p.sigmaMin()).isEqualTo(0.002);
        assertThat(p.model().jvpStrategy()).isEqualTo("exact");
        assertThat(p.initial().describe()).isEqualTo("normal(std=" + Math.sqrt(10.0) + ")");
        assertThat(TrainingModules.get(inj, FeatureMap.class).id()).isEqualTo("t-x-psi");
        assertThat(TrainingModules.get(inj, ArtRlTrainer.class).problem()).isSameAs(p);
    }

    @Test
    void swappingOnlyTheJvpStrategyKeepsEverythingElse() {
        List<Module> exact = TrainingModules.standard("analytic:mixture2d", TrainingModules.JvpStrategy.GRAPH, null,
                null, null);
        Injector a = TrainingModules.injector(exact);
        Injector b = TrainingModules.injector(List.of(Modules.override(exact).with(
                TrainingModules.jvp(TrainingModules.JvpStrategy.FINITE_DIFFERENCE, null))));
        ArtProblem pa = TrainingModules.get(a, ArtProblem.class);
        ArtProblem pb = TrainingModules.get(b, ArtProblem.class);
        assertThat(pa.model().jvpStrategy()).isEqualTo("exact");
        assertThat(pb.model().jvpStrategy()).isEqualTo("finite-difference");
        assertThat(pb.sigmaMax()).isEqualTo(pa.sigmaMax()).isEqualTo(10.0);
        assertThat(pb.norm()).isEqualTo(QNorm.RMS);
        assertThat(TrainingModules.get(b, FeatureMap.class).id()).isEqualTo("summary6");
        // both strategies give nearly the same |Q|, hence nearly the same closed-form grid
        double[] sa = ArtClosedForm.sigmas(pa, 10, 128, 500, 1);
        double[] sb = ArtClosedForm.sigmas(pb, 10, 128, 500, 1);
        for (int i = 0; i < sa.length; i++) {
            assertThat(sb[i]).isCloseTo(sa[i], within(0.05 * sa[i] + 1e-9));
        }
    }

    @Test
    void swappingOnlyTheFeatureMapNetworksOrOptimiserChangesJustThatPart() {
        List<Module> base = TrainingModules.standard("analytic:gauss1d", TrainingModules.JvpStrategy.GRAPH, null,
                null, null);
        Injector inj = TrainingModules.injector(List.of(Modules.override(base).with(
                TrainingModules.features("summary6"), TrainingModules.networks(new NetworkFactory(16, 2)),
                TrainingModules.optimiser(OptimiserFactory.adam(1e-3, 0.5, 0.9)))));
        assertThat(TrainingModules.get(inj, FeatureMap.class).id()).isEqualTo("summary6");
        assertThat(TrainingModules.get(inj, NetworkFactory.class)).isEqualTo(new NetworkFactory(16, 2));
        ArtRlResult r = TrainingModules.get(inj, ArtRlTrainer.class).train(ArtRlConfig.paper(1).withTrainSteps(10)
                .withBatch(2).withIterations(5).withDistill(10), TrainingRun.quiet());
        assertThat(r.training()).containsEntry("features", "summary6");
        assertThat(r.training().get("networks").toString()).contains("width=16").contains("layers=2");
        assertThat(r.training().get("optimiser").toString()).contains("lr=0.001").contains("beta1=0.5");
    }

    @Test
    void aCustomFlowModuleReplacesTheModel() {
        List<Module> base = TrainingModules.standard("analytic:gauss1d", TrainingModules.JvpStrategy.GRAPH, null,
                null, null);
        FlowModel custom = TrainingModulesTest.constantFlow();
        Injector inj = TrainingModules.injector(List.of(Modules.override(base).with(new AbstractModule() {
            @Override
            protected void configure() {
                bind(FlowModel.class).toInstance(custom);
            }
        })));
        assertThat(TrainingModules.get(inj, ArtProblem.class).model()).isSameAs(custom);
    }

    @Test
    void missingJvpGraphAndUnknownNamesAreClearErrors() {
        assumeTrue(Files.isRegularFile(MIXTURE.resolve("denoiser.onnx")), "shipped mixture2d model");
        Injector inj = TrainingModules.injector(TrainingModules.standard(MIXTURE.resolve("denoiser.onnx").toString(),
                TrainingModules.JvpStrategy.GRAPH, null, null, null));
        try (DenoiserSource src = TrainingModules.get(inj, DenoiserSource.class)) {
            assertThatThrownBy(() -> TrainingModules.get(inj, ArtProblem.class)).isInstanceOf(ArtException.class)
                    .hasMessageContaining("needs its exported JVP graph");
        }
        assertThatThrownBy(() -> TrainingModules.JvpStrategy.parse("magic")).isInstanceOf(ArtException.class)
                .hasMessageContaining("expected graph or fd");
        Injector bad = TrainingModules.injector(TrainingModules.standard("nowhere.onnx",
                TrainingModules.JvpStrategy.GRAPH, null, null, null));
        assertThatThrownBy(() -> TrainingModules.get(bad, ArtProblem.class)).isInstanceOf(ArtException.class)
                .hasMessageContaining("(no such file)");
    }

    @Test
    void onnxModelMetadataSetsTheHorizonAndProvenance() {
        assumeTrue(Files.isRegularFile(MIXTURE.resolve("denoiser_jvp.onnx")), "shipped mixture2d model");
        Injector inj = TrainingModules.injector(TrainingModules.standard(MIXTURE.resolve("denoiser.onnx").toString(),
                TrainingModules.JvpStrategy.GRAPH, MIXTURE.resolve("denoiser_jvp.onnx"), null, null));
        try (DenoiserSource src = TrainingModules.get(inj, DenoiserSource.class)) {
            ArtProblem p = TrainingModules.get(inj, ArtProblem.class);
            assertThat(p.sigmaMax()).isEqualTo(10.0);
            assertThat(p.sigmaMin()).isEqualTo(0.002);
            assertThat(p.provenance()).containsEntry("model", "mixture2d").containsEntry("jvp", "onnx-jvp");
            assertThat((String) p.provenance().get("model_sha256")).hasSize(64);
            // the ONNX JVP graph agrees with the exact analytic flow
            FlowModel exact = dev.artsched.training.problem.AnalyticModels.exactFlow("mixture2d");
            double[] x = {0.7, -1.2, 3.0, 0.5};
            double[] s = {0.5, 2.0};
            double[] f1 = new double[4];
            double[] q1 = new double[4];
            double[] f2 = new double[4];
            double[] q2 = new double[4];
            p.model().evaluate(x, s, 2, f1, q1);
            exact.evaluate(x, s, 2, f2, q2);
            for (int i = 0; i < 4; i++) {
                assertThat(f1[i]).isCloseTo(f2[i], within(1e-4 * (1 + Math.abs(f2[i]))));
                assertThat(q1[i]).isCloseTo(q2[i], within(1e-3 * (1 + Math.abs(q2[i]))));
            }
        }
    }

    static FlowModel constantFlow() {
        return new FlowModel() {
            @Override
            public int dim() {
                return 1;
            }

            @Override
            public void evaluate(double[] x, double[] sigma, int batch, double[] f, double[] q) {
                java.util.Arrays.fill(f, 0, batch, -1.0);
                java.util.Arrays.fill(q, 0, batch, 1.0);
            }

            @Override
            public long calls() {
                return 0;
            }

            @Override
            public String jvpStrategy() {
                return "constant";
            }
        };
    }
}
