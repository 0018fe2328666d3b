package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArtSchedulerTest {

    @TempDir
    Path dir;

    private Path write(double... sigmas) {
        Path p = dir.resolve("grid.json");
        new ScheduleFile("learned", sigmas, Solver.HEUN, 0.002, 80.0, "art-rl", Map.of("seed", 3), Map.of()).write(p);
        return p;
    }

    @Test
    void exactAtTrainedStepsAndResampledElsewhere() {
        Path p = write(80, 20, 5, 1, 0.2, 0);
        TimestepScheduler art = TimestepSchedulers.create("art:path=" + p);
        assertThat(art.schedule(5).sigmas()).containsExactly(80, 20, 5, 1, 0.2, 0);
        assertThat(art.schedule(5).source()).contains("art-rl").doesNotContain("resampled");
        double[] ten = art.schedule(10).sigmas();
        assertThat(ten).hasSize(11);
        assertThat(ten[2]).isEqualTo(20.0);
        assertThat(ten[1]).isEqualTo(50.0);
        assertThat(art.schedule(10).source()).contains("time-map");
        double[] ll = TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear", 9).sigmas();
        assertThat(ll[0]).isEqualTo(80.0);
        assertThat(ll[8]).isEqualTo(0.2);
        assertThat(ll[9]).isZero();
    }

    @Test
    void rescalesToAModelRange() {
        Path p = write(80, 20, 5, 1, 0.2, 0);
        double[] half = TimestepSchedulers.schedule("art:path=" + p + ",sigma_max=40", 5).sigmas();
        assertThat(half).containsExactly(new double[] {40, 10, 2.5, 0.5, 0.1, 0}, within(1e-12));
        double[] both = TimestepSchedulers.schedule("art:path=" + p + ",sigma_max=14.6,sigma_min=0.01", 5).sigmas();
        assertThat(both[0]).isEqualTo(14.6);
        assertThat(both[4]).isEqualTo(0.01);
        Schedule.validate(both);
        assertThatThrownBy(() -> TimestepSchedulers.create("art:path=" + p + ",sigma_min=0.01"))
                .hasMessageContaining("needs sigma_max");
    }

    @Test
    void loadsBundledGridsByName() {
        TimestepScheduler art = TimestepSchedulers.create("art:name=test-grid");
        assertThat(art.schedule(4).sigmas()).containsExactly(80, 10, 1, 0.1, 0);
        assertThat(((ArtScheduler) art).file().training()).containsEntry("seed", 1);
        assertThatThrownBy(() -> TimestepSchedulers.create("art:name=nope"))
                .hasMessageContaining("no bundled schedule named 'nope'")
                .hasMessageContaining("META-INF/art/schedules/nope.json");
        assertThatThrownBy(() -> TimestepSchedulers.create("art:name=../x")).hasMessageContaining("must match");
    }

    @Test
    void needsExactlyOneSource() {
        assertThatThrownBy(() -> TimestepSchedulers.create("art")).hasMessageContaining("neither");
        assertThatThrownBy(() -> TimestepSchedulers.create("art:path=a,name=b")).hasMessageContaining("both");
        assertThatThrownBy(() -> TimestepSchedulers.create("art:path=" + dir.resolve("missing.json")))
                .hasMessageContaining("missing.json").hasMessageContaining("no such file");
    }

    @Test
    void importedAlignYourStepsListResamplesLikeComfyUi() {
        // Align Your Steps, Stable Diffusion 1.5, 10 steps (as published; ComfyUI's AlignYourStepsScheduler table)
        String ays = "[14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]";
        ScheduleFile f = ScheduleFile.importList("ays-sd15", ays, "AYS SD1.5");
        assertThat(f.steps()).isEqualTo(11);
        assertThat(f.method()).isEqualTo("imported");
        assertThat(f.training()).containsEntry("appendedTerminalZero", true);
        Path p = dir.resolve("ays.json");
        f.write(p);
        double[] twenty = TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear", 20).sigmas();
        assertThat(twenty[0]).isEqualTo(14.615);
        assertThat(twenty[19]).isEqualTo(0.029);
        double w = 10.0 / 19.0;
        assertThat(twenty[1]).isCloseTo(Math.exp((1 - w) * Math.log(14.615) + w * Math.log(6.475)), within(1e-12));
        assertThat(ScheduleFile.importList("m", "sigmas=3, 1 0.5", "manual").sigmas()).containsExactly(3, 1, 0.5, 0);
        assertThat(ScheduleFile.importList("m", "3,1,0", "manual").steps()).isEqualTo(2);
        assertThatThrownBy(() -> ScheduleFile.importList("m", "3, x, 1", "manual"))
                .hasMessageContaining("value 1 must be a number, found 'x'");
        assertThatThrownBy(() -> ScheduleFile.importList("m", "1, 3", "manual")).hasMessageContaining("strictly decreasing");
        assertThatThrownBy(() -> ScheduleFile.importList("m", " ", "manual")).hasMessageContaining("found none");
    }
}
