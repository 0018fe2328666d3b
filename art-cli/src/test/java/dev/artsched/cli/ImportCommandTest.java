package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ImportCommandTest {
    @TempDir
    Path dir;

    @Test
    void importsAnAlignYourStepsListAndResamplesIt() {
        Path out = dir.resolve("ays.json");
        Cli r = Cli.run("import", "--name", "ays-sd15", "--out", out.toString(), "--json", "--sigmas",
                "[14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.json().get("steps").asInt()).isEqualTo(10);
        assertThat(r.json().get("terminal").asText()).isEqualTo("replace");
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.method()).isEqualTo("imported");
        assertThat(f.sigmas()).containsExactly(14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0);
        double[] s = TimestepSchedulers.schedule("art:path=" + out + ",resample=loglinear", 20).sigmas();
        // ComfyUI's loglinear_interp over the 11 published values, then the last set to 0
        assertThat(s[0]).isCloseTo(14.615, within(1e-12));
        assertThat(s[19]).isGreaterThan(0.029).isLessThan(0.152);
        assertThat(s[20]).isZero();
    }

    @Test
    void readsAComfyUiStringFromAFileAndRejectsBadLists() throws IOException {
        Path list = Files.writeString(dir.resolve("manual.txt"), "14.6, 3.0, 0.5, 0.03\n");
        Path out = dir.resolve("m.json");
        Cli ok = Cli.run("import", "--name", "manual", "--from", list.toString(), "--out", out.toString(),
                "--terminal", "append");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("4 steps");
        assertThat(ScheduleFile.read(out).sigmas()).containsExactly(14.6, 3.0, 0.5, 0.03, 0);
        Path replaced = dir.resolve("r.json");
        assertThat(Cli.run("import", "--name", "manual", "--from", list.toString(), "--out", replaced.toString())
                .code()).isZero();
        assertThat(ScheduleFile.read(replaced).sigmas()).containsExactly(14.6, 3.0, 0.5, 0);
        Cli badTerminal = Cli.run("import", "--name", "x", "--sigmas", "3,1", "--terminal", "keep", "--out",
                dir.resolve("t.json").toString());
        assertThat(badTerminal.code()).isEqualTo(1);
        assertThat(badTerminal.err().strip()).startsWith("art: error: --terminal: ").doesNotContain("\n");
        assertThat(dir.resolve("t.json")).doesNotExist();

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

    @Test
    void comfyUiAndDiffusersTextRoundTripsThroughImportBitForBit() throws IOException {
        for (String spec : List.of("edm", "kl_optimal", "exponential:sigma_min=0.03,sigma_max=14.6", "beta",
                "ddim_uniform", "linear_quadratic", "diffusers_discrete:spacing=trailing")) {
            for (String format : List.of("comfyui", "diffusers")) {
                Cli printed = Cli.run("schedule", "--scheduler", spec, "--steps", "9", "--format", format);
                assertThat(printed.code()).as(printed.err()).isZero();
                Path text = Files.writeString(dir.resolve(format + ".txt"), printed.out());
                Path out = dir.resolve(format + ".json");
                Files.deleteIfExists(out);
                Cli imported = Cli.run("import", "--name", "rt", "--from", text.toString(), "--out", out.toString());
                assertThat(imported.code()).as(imported.err()).isZero();
                assertThat(ScheduleFile.read(out).sigmas()).as(spec + " " + format)
                        .containsExactly(TimestepSchedulers.schedule(spec, 9).sigmas());
            }
        }
    }

    /**
     * ComfyUI's GITS node (coeff 1.20) through {@code art import --terminal replace}: its 12-step list scheduled at
     * N = 12, its 20-step list resampled with {@code resample=loglinear} to N = 30, against the node's float64 output
     * in the api module's parity goldens.
     */
    @Test
    void gitsNodeListsThroughImport() throws IOException {
        JsonNode gits = new ObjectMapper().readTree(
                Path.of("../art-scheduler-api/src/test/resources/parity/comfyui.json").toFile()).get("gits").get("1.20");
        for (int[] c : new int[][] {{12, 12}, {20, 30}}) {
            Path out = dir.resolve("gits-" + c[0] + ".json");
            Cli r = Cli.run("import", "--name", "gits-1.20-" + c[0], "--terminal", "replace", "--sigmas",
                    gits.get("lists").get(c[0] - 2).toString(), "--out", out.toString());
            assertThat(r.code()).as(r.err()).isZero();
            double[] got = TimestepSchedulers.schedule("art:path=" + out + ",resample=loglinear", c[1]).sigmas();
            JsonNode want = gits.get("float64").get(Integer.toString(c[1]));
            assertThat(got).hasSize(want.size());
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("N=%d sigma[%d]", c[1], i)
                        .isCloseTo(want.get(i).asDouble(), within(1e-12 * want.get(i).asDouble()));
            }
        }
    }
}
