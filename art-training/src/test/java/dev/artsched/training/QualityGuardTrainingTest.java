package dev.artsched.training;

import dev.artsched.eval.QualityGuard;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.problem.AnalyticModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class QualityGuardTrainingTest {
    @TempDir
    Path dir;

    @Test
    void aGridWorseThanEdmIsNamedWithTheBetterOne() {
        Denoiser d = AnalyticModels.ranged("mixture2d");
        // Uniform ending at sigma_min: Heun's last corrector step at 0.002 blows the samples up
        Schedule bad = TimestepSchedulers.schedule("uniform:sigma_min=0.002,sigma_max=10", 5);
        QualityGuard g = QualityGuard.check(d, bad, Solver.HEUN, null);
        assertThat(g.better()).isEqualTo("edm");
        assertThat(g.values().get("grid")).isGreaterThan(g.values().get("edm"));
        assertThat(g.warning()).contains("worse than EDM").contains("64 held-out samples");
        Schedule edm = TimestepSchedulers.schedule("edm:sigma_max=10,sigma_min=0.002", 5);
        QualityGuard same = QualityGuard.check(d, edm, Solver.HEUN, null);
        assertThat(same.values().get("grid")).isEqualTo(same.values().get("edm"));
        assertThat(same.better()).isNull();
        assertThat(same.warning()).isNull();
    }

    @Test
    void everyTrainingRecordsTheGuardUnlessSwitchedOff() {
        Path out = dir.resolve("cf.json");
        ScheduleTraining.Result r = ScheduleTraining.train(ScheduleTraining.request("analytic:mixture2d", 6,
                Solver.EULER, ScheduleTraining.Method.CLOSED_FORM, out).optReference(64, 200), null);
        assertThat(r.guard()).isNotNull();
        assertThat(r.guard().better()).isNull();
        @SuppressWarnings("unchecked")
        Map<String, Object> guard = (Map<String, Object>) ScheduleFile.read(out).training().get("guard");
        assertThat(guard).containsEntry("samples", 64).containsKey("ref_rmse");
        Path off = dir.resolve("off.json");
        ScheduleTraining.Result none = ScheduleTraining.train(ScheduleTraining.request("analytic:mixture2d", 6,
                Solver.EULER, ScheduleTraining.Method.CLOSED_FORM, off).optReference(64, 200).optGuard(false), null);
        assertThat(none.guard()).isNull();
        assertThat(ScheduleFile.read(off).training()).doesNotContainKey("guard");
        assertThat(ScheduleFile.read(off).sigmas()).containsExactly(ScheduleFile.read(out).sigmas());
    }
}
