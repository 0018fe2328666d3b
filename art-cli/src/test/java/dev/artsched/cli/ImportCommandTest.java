package dev.artsched.cli;

import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ImportCommandTest {
    @TempDir
    Path dir;

    @Test
    void importsAnAlignYourStepsListAndResamplesIt() {
        Path out = dir.resolve("ays.json");
        Cli r = Cli.run("import", "--name", "ays-sd15", "--out", out.toString(), "--json", "--sigmas",
                "[14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("steps").asInt()).isEqualTo(11);
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.method()).isEqualTo("imported");
        double[] s = TimestepSchedulers.schedule("art:path=" + out + ",resample=loglinear", 20).sigmas();
        assertThat(s[0]).isEqualTo(14.615);
        assertThat(s[19]).isEqualTo(0.029);
    }

    @Test
    void readsAComfyUiStringFromAFileAndRejectsBadLists() throws IOException {
        Path list = Files.writeString(dir.resolve("manual.txt"), "14.6, 3.0, 0.5, 0.03\n");
        Path out = dir.resolve("m.json");
        Cli ok = Cli.run("import", "--name", "manual", "--from", list.toString(), "--out", out.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("4 steps");
        assertThat(ScheduleFile.read(out).sigmas()).containsExactly(14.6, 3.0, 0.5, 0.03, 0);

        Cli bad = Cli.run("import", "--name", "x", "--sigmas", "3, 5, 1", "--out", dir.resolve("x.json").toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err().strip()).startsWith("art: error: sigma list '--sigmas'").contains("strictly decreasing")
                .doesNotContain("\n");
        assertThat(dir.resolve("x.json")).doesNotExist();
        Cli both = Cli.run("import", "--name", "x", "--sigmas", "3,1", "--from", list.toString(), "--out", "y.json");
        assertThat(both.code()).isEqualTo(2);
        Cli missing = Cli.run("import", "--name", "x", "--from", dir.resolve("nope.txt").toString(), "--out", "y.json");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.txt");
    }
}
