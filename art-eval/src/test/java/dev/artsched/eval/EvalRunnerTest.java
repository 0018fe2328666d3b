package dev.artsched.eval;

import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvalRunnerTest {
    @TempDir
    Path dir;

    private static List<EvalRunner.Candidate> candidates() {
        return List.of(new EvalRunner.Candidate("edm", n -> RefRmseTest.edm(n, 80, 0.002, 7)),
                new EvalRunner.Candidate("uniform", n -> RefRmseTest.uniform(n, 80)));
    }

    private static EvalReport run(long[] progress) {
        ReferenceSolutions refs = new ReferenceSolutions(GaussianMixtureDenoiser.twoDimensionalBenchmark(),
                ReferenceSolutions.Options.of(64, 1).withBatchSize(32).withReference(64, 7, 0.002));
        EvalRunner.Progress p = new EvalRunner.Progress() {
            @Override
            public void begin(long totalWork) {
                progress[0] = totalWork;
            }

            @Override
            public void step() {
                progress[1]++;
            }
        };
        return EvalRunner.run(candidates(), new int[] {2, 5, 10}, new RefRmse(refs, Solver.HEUN), p,
                Map.of("samples", 64));
    }

    @Test
    void runsEveryScheduleAtEveryStepCountAndCountsProgressExactly() {
        long[] progress = new long[2];
        EvalReport report = run(progress);
        assertThat(report.metric()).isEqualTo("ref-rmse");
        assertThat(report.rows()).extracting(EvalRow::schedule)
                .containsExactly("edm", "edm", "edm", "uniform", "uniform", "uniform");
        assertThat(report.rows()).extracting(EvalRow::nfe).containsExactly(3, 9, 19, 3, 9, 19);
        assertThat(report.rows()).allSatisfy(r -> assertThat(r.value()).isPositive().isFinite());
        // 2 batches: reference 64 steps once, then 2 * (2 + 5 + 10) per schedule.
        assertThat(progress[0]).isEqualTo(2 * 64 + 2 * 2 * 17).isEqualTo(progress[1]);
        // At 10 Heun steps EDM beats Uniform on this model; at 2 steps EDM's jump to 0.002 is far worse.
        assertThat(report.rows().get(2).value()).isLessThan(report.rows().get(5).value());
        assertThat(report.rows().get(0).value()).isGreaterThan(report.rows().get(3).value());
    }

    @Test
    void jsonAndTableHaveTheDocumentedShape() {
        EvalReport report = run(new long[2]);
        Map<String, Object> json = report.toJson();
        assertThat(new ArrayList<>(json.keySet())).containsExactly("metric", "solver", "rows", "samples");
        assertThat(json.get("solver")).isEqualTo("heun");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
        assertThat(rows.get(2)).containsOnlyKeys("schedule", "steps", "nfe", "value")
                .containsEntry("schedule", "edm").containsEntry("steps", 10).containsEntry("nfe", 19);
        String table = report.toTable();
        String[] lines = table.split("\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[0]).startsWith("ref-rmse (solver heun");
        assertThat(lines[1].trim().split("\\s+")).containsExactly("steps", "nfe", "edm", "uniform");
        assertThat(lines[4].trim().split("\\s+")[1]).isEqualTo("19");
    }

    @Test
    void writesValidPngPlots() throws IOException {
        System.setProperty("java.awt.headless", "true");
        EvalReport report = run(new long[2]);
        Path errors = dir.resolve("plots/error-vs-nfe.png");
        Path sigmas = dir.resolve("plots/sigmas.png");
        EvalPlots.errorVsNfe(report, errors);
        EvalPlots.sigmaVsStep(List.of(RefRmseTest.edm(10, 80, 0.002, 7), RefRmseTest.uniform(10, 80)), sigmas);
        for (Path p : List.of(errors, sigmas)) {
            byte[] bytes = Files.readAllBytes(p);
            assertThat(Arrays.copyOf(bytes, 8))
                    .containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            BufferedImage img = ImageIO.read(p.toFile());
            assertThat(img).isNotNull();
            assertThat(img.getWidth()).isEqualTo(900);
            assertThat(img.getHeight()).isEqualTo(600);
        }
    }

    @Test
    void badCandidatesFailBeforeSampling() {
        assertThatThrownBy(() -> EvalRunner.grids(candidates(), new int[] {2, 0}))
                .isInstanceOf(ArtException.class).hasMessageContaining("steps must be >= 1, found 0");
        assertThatThrownBy(() -> EvalRunner.grids(List.of(candidates().get(0), candidates().get(0)), new int[] {2}))
                .isInstanceOf(ArtException.class).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> EvalRunner.grids(candidates(), new int[] {5, 2, 5}))
                .isInstanceOf(ArtException.class).hasMessageContaining("step count 5 is listed twice");
        assertThatThrownBy(() -> EvalRunner.grids(List.of(), new int[] {2}))
                .isInstanceOf(ArtException.class).hasMessageContaining("at least one schedule");
        EvalReport empty = new EvalReport("fid", Solver.EULER, List.of(), null);
        assertThatThrownBy(() -> EvalPlots.errorVsNfe(empty, dir.resolve("x.png")))
                .isInstanceOf(ArtException.class).hasMessageContaining("nothing to plot");
    }
}
