package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TerminalImportTest {
    /** Align Your Steps, SD 1.5, as the list's publisher gives it (11 values ending at sigma_min). */
    static final String AYS_SD15 = "[14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177, "
            + "1.3943805092, 0.9642583904, 0.6523686016, 0.3977456272, 0.1515232662, 0.0291671582]";

    private static double[] grid(Path dir, Terminal terminal, int steps) {
        Path p = dir.resolve("ays-" + terminal.id() + ".json");
        ScheduleFile.importList("ays", AYS_SD15, "test", terminal).write(p);
        return TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear", steps).sigmas();
    }

    @Test
    void replaceGivesThePublishedGridAndComfyUiResampling(@TempDir Path dir) {
        double[] ten = grid(dir, Terminal.REPLACE, 10);
        assertThat(ten).containsExactly(14.6146412293, 6.4745760956, 3.8636745985, 2.6946151520, 1.8841921177,
                1.3943805092, 0.9642583904, 0.6523686016, 0.3977456272, 0.1515232662, 0);
        double[] five = grid(dir, Terminal.REPLACE, 5);
        double[] comfy = {14.6146412293, 3.8636745985, 1.8841921177, 0.9642583904, 0.3977456272, 0};
        for (int i = 0; i < comfy.length; i++) {
            assertThat(five[i]).as("sigma[%d]", i).isCloseTo(comfy[i], within(1e-12));
        }
    }

    @Test
    void appendKeepsTodaysGrids(@TempDir Path dir) {
        double[] ten = grid(dir, Terminal.APPEND, 10);
        double[] today = {14.6146, 6.1136, 3.5663, 2.3917, 1.6482, 1.1360, 0.7431, 0.4440, 0.1687, 0.0292, 0};
        for (int i = 0; i < today.length; i++) {
            assertThat(ten[i]).as("sigma[%d]", i).isCloseTo(today[i], within(5e-5));
        }
        double[] five = grid(dir, Terminal.APPEND, 5);
        double[] today5 = {14.6146, 3.2266, 1.3944, 0.5094, 0.0292, 0};
        for (int i = 0; i < today5.length; i++) {
            assertThat(five[i]).as("sigma[%d]", i).isCloseTo(today5[i], within(5e-5));
        }
        assertThat(ScheduleFile.importList("a", AYS_SD15, "t").sigmas())
                .isEqualTo(ScheduleFile.importList("a", AYS_SD15, "t", Terminal.APPEND).sigmas());
    }

    @Test
    void theFileRecordsTheConvention(@TempDir Path dir) {
        Path p = dir.resolve("r.json");
        ScheduleFile f = ScheduleFile.importList("ays", AYS_SD15, "test", Terminal.REPLACE);
        f.write(p);
        ScheduleFile back = ScheduleFile.read(p);
        assertThat(back).isEqualTo(f);
        assertThat(back.terminal()).contains(Terminal.REPLACE);
        assertThat(back.training()).containsEntry("terminal", "replace").containsEntry("replacedSigma", 0.0291671582);
        assertThat(back.publishedSigmas().orElseThrow()).hasSize(11).endsWith(0.0291671582);
        assertThat(back.steps()).isEqualTo(10);
        assertThat(back.sigmaMin()).isEqualTo(0.0291671582);
        ScheduleFile a = ScheduleFile.importList("a", "3, 1", "t", Terminal.APPEND);
        assertThat(a.terminal()).contains(Terminal.APPEND);
        assertThat(a.publishedSigmas()).isEmpty();
        ScheduleFile given = ScheduleFile.importList("g", "3, 1, 0", "t", Terminal.REPLACE);
        assertThat(given.terminal()).isEmpty();
        assertThat(given.sigmas()).containsExactly(3, 1, 0);
    }

    @Test
    void oldFilesWithoutTheFieldKeepTodaysRule(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("old.json");
        java.nio.file.Files.writeString(p, "{\"format\":\"art-schedule/1\",\"name\":\"o\",\"method\":\"imported\","
                + "\"sigmas\":[4,2,1,0.5,0],\"training\":{\"source\":\"x\",\"appendedTerminalZero\":true}}");
        ScheduleFile f = ScheduleFile.read(p);
        assertThat(f.terminal()).isEmpty();
        assertThat(TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear", 2).sigmas())
                .isEqualTo(Resampling.logLinear(f.sigmas(), 2));
    }

    @Test
    void rejectsBadRecordsAndLists(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("bad.json");
        java.nio.file.Files.writeString(p, "{\"format\":\"art-schedule/1\",\"name\":\"o\",\"sigmas\":[4,2,0],"
                + "\"training\":{\"terminal\":\"replace\",\"replacedSigma\":3}}");
        assertThatThrownBy(() -> ScheduleFile.read(p)).isInstanceOf(ArtException.class)
                .hasMessageContaining("bad.json").hasMessageContaining("replacedSigma").hasMessageContaining("found 3");
        java.nio.file.Files.writeString(p, "{\"format\":\"art-schedule/1\",\"name\":\"o\",\"sigmas\":[4,2,0],"
                + "\"training\":{\"terminal\":\"sideways\"}}");
        assertThatThrownBy(() -> ScheduleFile.read(p)).hasMessageContaining("found \"sideways\"");
        assertThatThrownBy(() -> ScheduleFile.importList("x", "3", "t", Terminal.REPLACE))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Terminal.parse("both")).hasMessageContaining("replace or append, found 'both'");
    }

    @Test
    void replaceRescalesThePublishedList(@TempDir Path dir) {
        Path p = dir.resolve("r.json");
        ScheduleFile.importList("ays", AYS_SD15, "test", Terminal.REPLACE).write(p);
        double[] s = TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear,sigma_max=80,sigma_min=0.002",
                20).sigmas();
        assertThat(s[0]).isCloseTo(80.0, within(1e-12));
        assertThat(s[20]).isZero();
        double[] ten = TimestepSchedulers.schedule("art:path=" + p + ",resample=loglinear,sigma_max=80,sigma_min=0.002",
                10).sigmas();
        double u = (Math.log(0.1515232662) - Math.log(14.6146412293)) / (Math.log(0.0291671582) - Math.log(14.6146412293));
        assertThat(ten[9]).isCloseTo(Math.exp(Math.log(80) + u * (Math.log(0.002) - Math.log(80))), within(1e-14));
    }
}
