package dev.artsched.training.conditional;

import dev.artsched.eval.EvalReport;
import dev.artsched.eval.EvalRow;
import dev.artsched.eval.Evaluation;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import dev.artsched.scheduler.ArtScheduler;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.DenoiserOptions;
import dev.artsched.training.DenoiserSource;
import dev.artsched.training.ScheduleTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ART closed form learned under classifier-free guidance (w = 3) on an exact class-conditional mixture differs
 * from the grid learned without guidance (w = 1, same labels), and each grid wins (ref-rmse, held-out noises) on
 * the setting it was learned for.
 */
class GuidedGridTest {
    static final String MODEL = "analytic:classmix-" + Long.getLong("classmix.seed", 5);
    static final int STEPS = Integer.getInteger("classmix.steps", 10);
    static final double W = Double.parseDouble(System.getProperty("classmix.w", "3"));
    static final Solver SOLVER = Solver.parse(System.getProperty("classmix.solver", "heun"));

    @TempDir
    Path dir;

    private DenoiserOptions options(double w) throws IOException {
        int c = ClassConditionalMixture.parse(MODEL.substring("analytic:".length())).classes();
        StringBuilder labels = new StringBuilder();
        for (int k = 0; k < c; k++) {
            labels.append(k == 0 ? "" : ", ").append(k);
        }
        Path cond = dir.resolve("labels.json");
        Path uncond = dir.resolve("null.json");
        Files.writeString(cond, "{\"class_labels\": [" + labels + "]}");
        Files.writeString(uncond, "{\"class_labels\": [" + c + "]}");
        return DenoiserOptions.conditioning(cond, uncond, w, 0);
    }

    private ScheduleFile train(double w, String name) throws IOException {
        return ScheduleTraining.train(ScheduleTraining.request(MODEL, STEPS, SOLVER,
                ScheduleTraining.Method.CLOSED_FORM, dir.resolve(name)).optDenoiserOptions(options(w)).optGuard(false)
                .optReference(512, 500), null).file();
    }

    private double rmse(double w, ScheduleFile grid) throws IOException {
        try (DenoiserSource s = DenoiserSource.open(MODEL, options(w))) {
            Evaluation.Request r = Evaluation.builder(s.denoiser(), MODEL)
                    .setSchedules(List.of(new Evaluation.Candidate("g", ArtScheduler.of(grid))))
                    .setSteps(new int[] {STEPS}).optSolver(SOLVER).optSamples(2000, 777).optBatch(500)
                    .optReference(256, 7.0, null).optInfo("conditioning", s.provenance().get("conditioning"));
            EvalReport report = Evaluation.run(r, null).report();
            assertThat(report.info()).containsKey("conditioning");
            EvalRow row = report.rows().get(0);
            return row.value();
        }
    }

    @Test
    void guidedGridDiffersAndEachGridWinsOnItsOwnSetting() throws IOException {
        ScheduleFile guided = train(W, "guided.json");
        ScheduleFile plain = train(1.0, "plain.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> cond = (Map<String, Object>) guided.training().get("conditioning");
        assertThat(cond).containsEntry("guidance", W).containsKeys("cond_sha256", "uncond_sha256", "row_order");
        double maxRel = 0;
        for (int i = 0; i < STEPS; i++) {
            maxRel = Math.max(maxRel, Math.abs(guided.sigmas()[i] - plain.sigmas()[i]) / plain.sigmas()[i]);
        }
        double gOnG = rmse(W, guided);
        double pOnG = rmse(W, plain);
        double gOnP = rmse(1.0, guided);
        double pOnP = rmse(1.0, plain);
        assertThat(maxRel).isGreaterThan(0.05);
        assertThat(gOnG).isLessThan(pOnG);
        assertThat(pOnP).isLessThan(gOnP);
    }
}
