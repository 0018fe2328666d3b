package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScheduleCommandTest {
    @TempDir
    Path dir;

    private static double[] sigmas(JsonNode node) {
        List<Double> list = new ArrayList<>();
        node.get("sigmas").forEach(n -> list.add(n.asDouble()));
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void jsonHasTheDocumentedShapeAndTheRegistryGrid() {
        CliRun r = CliRun.run("schedule", "--scheduler", "edm", "--steps", "5", "--json");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode j = r.json();
        assertThat(j.get("name").asText()).startsWith("edm");
        assertThat(j.get("steps").asInt()).isEqualTo(5);
        assertThat(sigmas(j)).containsExactly(TimestepSchedulers.schedule("edm", 5).sigmas());
        assertThat(j.get("scheduler").asText()).isEqualTo("edm");
        assertThat(j.get("nfe").get("heun").asInt()).isEqualTo(9);
        assertThat(j.get("sigma_max").asDouble()).isEqualTo(80.0);
    }

    @Test
    void paperGridsFromSpecs() {
        CliRun u = CliRun.run("schedule", "--scheduler", "uniform:sigma_max=3,sigma_min=0", "--steps", "5", "--json");
        assertThat(sigmas(u.json())).containsExactly(new double[] {3, 2.4, 1.8, 1.2, 0.6, 0}, within(1e-12));
        CliRun e = CliRun.run("schedule", "--scheduler", "edm:rho=7,sigma_max=3,sigma_min=0", "--steps", "2", "--json");
        assertThat(sigmas(e.json())).containsExactly(new double[] {3, 3 * Math.pow(0.5, 7), 0}, within(1e-12));
    }

    @Test
    void artPathLoadsAndResamplesAScheduleFile() {
        Path file = dir.resolve("grid.json");
        ScheduleFile.of(Schedule.of("art-test", 3, 1.5, 0.72, 0), Solver.EULER, "art-rl", Map.of("seed", 1)).write(file);
        CliRun same = CliRun.run("schedule", "--scheduler", "art:path=" + file, "--steps", "3", "--json");
        assertThat(same.exitCode()).isZero();
        assertThat(sigmas(same.json())).containsExactly(3, 1.5, 0.72, 0);
        CliRun more = CliRun.run("schedule", "--scheduler", "art:path=" + file, "--steps", "6", "--json");
        double[] s = sigmas(more.json());
        assertThat(s).hasSize(7);
        assertThat(s[0]).isEqualTo(3.0);
        assertThat(s[2]).isCloseTo(1.5, within(1e-12));
        assertThat(s[4]).isCloseTo(0.72, within(1e-12));
        assertThat(s[6]).isZero();
    }

    @Test
    void textCsvDiffusersAndComfyuiFormats() {
        Schedule s = TimestepSchedulers.schedule("edm", 4);
        CliRun text = CliRun.run("schedule", "--scheduler", "edm", "--steps", "4");
        assertThat(text.out().strip().split("\\R")).hasSize(3 + 5);
        assertThat(text.out()).contains("N=4").contains("80.000000");
        CliRun csv = CliRun.run("schedule", "--scheduler", "edm", "--steps", "4", "--format", "csv");
        String[] lines = csv.out().strip().split("\\R");
        assertThat(lines[0]).isEqualTo("step,sigma");
        assertThat(lines).hasSize(6);
        assertThat(lines[5]).isEqualTo("4,0.0");
        assertThat(Double.parseDouble(lines[2].split(",")[1])).isEqualTo(s.sigma(1));
        CliRun diffusers = CliRun.run("schedule", "--scheduler", "edm", "--steps", "4", "--format", "diffusers");
        assertThat(diffusers.out().strip()).startsWith("[80.0, ").endsWith(", 0.002, 0.0]");
        assertThat(diffusers.out().split(",")).hasSize(5);
        CliRun comfy = CliRun.run("schedule", "--scheduler", "edm", "--steps", "4", "--format", "COMFYUI");
        assertThat(comfy.out().strip()).startsWith("80.0, ").endsWith(", 0.002, 0.0");
        assertThat(comfy.out().split(",")).hasSize(5);
    }

    @Test
    void outWritesAReadableScheduleFile() {
        Path file = dir.resolve("out/edm10.json");
        CliRun r = CliRun.run("schedule", "--scheduler", "edm:sigma_max=10", "--steps", "10", "--solver", "heun",
                "--out", file.toString(), "--json");
        assertThat(r.exitCode()).isZero();
        ScheduleFile f = ScheduleFile.read(file);
        assertThat(f.sigmas()).containsExactly(sigmas(r.json()));
        assertThat(f.solver()).isEqualTo(Solver.HEUN);
        assertThat(r.json().get("nfe").has("euler")).isFalse();
    }

    @Test
    void badInputIsOneLineAndNonZero() throws IOException {
        CliRun unknown = CliRun.run("schedule", "--scheduler", "nope", "--steps", "3");
        assertThat(unknown.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(unknown.errLines()).hasSize(1);
        assertThat(unknown.errLines()[0]).startsWith("art: error: unknown scheduler 'nope'");
        assertThat(unknown.out()).isEmpty();

        CliRun zero = CliRun.run("schedule", "--scheduler", "edm", "--steps", "0");
        assertThat(zero.errLines()).containsExactly("art: error: --steps must be in [1, 100000], found 0");
        assertThat(zero.exitCode()).isEqualTo(CliSupport.ERROR);

        CliRun notInt = CliRun.run("schedule", "--scheduler", "edm", "--steps", "many");
        assertThat(notInt.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(notInt.errLines()).hasSize(2);
        assertThat(notInt.errLines()[0]).isEqualTo("art: error: Invalid value for option '--steps': 'many' is not an int");

        CliRun missingOption = CliRun.run("schedule", "--steps", "3");
        assertThat(missingOption.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(missingOption.errLines()[0]).contains("--scheduler");

        Path missing = dir.resolve("missing.json");
        CliRun noFile = CliRun.run("schedule", "--scheduler", "art:path=" + missing, "--steps", "3");
        assertThat(noFile.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(noFile.errLines()).hasSize(1);
        assertThat(noFile.errLines()[0]).startsWith("art: error: ").contains("missing.json");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"art-schedule/1\", \"name\": \"x\", \"sigmas\": [3, 4, 0]}");
        CliRun malformed = CliRun.run("schedule", "--scheduler", "art:path=" + bad, "--steps", "2");
        assertThat(malformed.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(malformed.errLines()).hasSize(1);
        assertThat(malformed.errLines()[0]).contains("bad.json").contains("sigma[1]");

        CliRun conflict = CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--json", "--format", "csv");
        assertThat(conflict.errLines()).containsExactly(
                "art: error: --json conflicts with --format csv: expected one output format");

        CliRun badFormat = CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--format", "xml");
        assertThat(badFormat.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(badFormat.errLines()[0]).contains("--format").contains("xml");
    }
}
