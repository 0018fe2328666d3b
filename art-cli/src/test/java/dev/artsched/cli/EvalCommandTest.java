package dev.artsched.cli;

import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.SigmaRange;
import dev.artsched.training.DenoiserSource;
import com.fasterxml.jackson.databind.JsonNode;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.TinyOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EvalCommandTest {
    private static final Path MIXTURE_ONNX = Path.of("..", "models", "mixture2d", "denoiser.onnx");
    private static final String[] SMALL = {"--samples", "64", "--reference-steps", "64", "--quiet"};

    @TempDir
    Path dir;

    private static CliRun eval(String... args) {
        List<String> all = new ArrayList<>(List.of("eval"));
        all.addAll(List.of(args));
        all.addAll(List.of(SMALL));
        return CliRun.run(all.toArray(new String[0]));
    }

    private static Map<String, Double> values(JsonNode j) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        j.get("rows").forEach(r -> m.put(r.get("schedule").asText() + "@" + r.get("steps").asInt(),
                r.get("value").asDouble()));
        return m;
    }

    @Test
    void refRmseJsonHasTheDocumentedShape() {
        CliRun r = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--schedule", "uniform",
                "--steps", "5,10", "--solver", "heun", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode j = r.json();
        assertThat(j.get("metric").asText()).isEqualTo("ref-rmse");
        assertThat(j.get("solver").asText()).isEqualTo("heun");
        assertThat(j.get("rows")).hasSize(4);
        JsonNode row = j.get("rows").get(1);
        List<String> keys = new ArrayList<>();
        row.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("schedule", "steps", "nfe", "value");
        assertThat(row.get("schedule").asText()).isEqualTo("edm");
        assertThat(row.get("steps").asInt()).isEqualTo(10);
        assertThat(row.get("nfe").asInt()).isEqualTo(19);
        Map<String, Double> v = values(j);
        assertThat(v.get("edm@10")).isPositive().isLessThan(v.get("uniform@10"));
        assertThat(v.get("edm@10")).isLessThan(v.get("edm@5"));
        // Baselines take the model's sigma range (mixture2d: 0.002 .. 10).
        assertThat(j.get("schedulers").get("edm").asText()).contains("sigma_max=10.0").contains("sigma_min=0.002");
        assertThat(j.get("samples").asInt()).isEqualTo(64);
        assertThat(j.get("reference").get("steps").asInt()).isEqualTo(64);
    }

    @Test
    void textTableAndProgressOnStderr() {
        CliRun r = CliRun.run("eval", "--denoiser", "analytic:gauss1d", "--schedule", "uniform:sigma_min=0",
                "--schedule", "edm:sigma_min=0", "--steps", "2,5", "--solver", "euler", "--samples", "32",
                "--reference-steps", "32");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines[0]).startsWith("ref-rmse (solver euler");
        assertThat(lines[1].trim().split("\\s+")).containsExactly("steps", "nfe", "uniform:sigma_min=0",
                "edm:sigma_min=0");
        assertThat(r.out()).contains("denoiser analytic:gauss1d, 32 samples, seed 0");
        assertThat(r.err()).contains("eval ref-rmse").contains("100%");
    }

    @Test
    void identicalGridsScoreIdenticallyAndArtFilesWork() {
        Path file = dir.resolve("edm10.json");
        ScheduleFile.of(TimestepSchedulers.schedule("edm:sigma_max=10", 10), Solver.HEUN, "imported", Map.of())
                .write(file);
        CliRun r = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--schedule", "art:path=" + file,
                "--steps", "10", "--solver", "euler", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Double> v = values(r.json());
        assertThat(v.get("art:path=" + file + "@10")).isEqualTo(v.get("edm@10"));
    }

    @Test
    void onnxModelAgreesWithTheAnalyticModel() {
        assertThat(MIXTURE_ONNX).exists();
        CliRun onnx = eval("--denoiser", MIXTURE_ONNX.toString(), "--schedule", "edm", "--steps", "5,10",
                "--solver", "euler", "--json");
        assertThat(onnx.exitCode()).as(onnx.err()).isZero();
        CliRun java = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--steps", "5,10",
                "--solver", "euler", "--json");
        Map<String, Double> a = values(onnx.json());
        Map<String, Double> b = values(java.json());
        assertThat(a.keySet()).isEqualTo(b.keySet());
        for (String k : a.keySet()) {
            assertThat(a.get(k)).as(k).isCloseTo(b.get(k), within(1e-3 * b.get(k)));
        }
        assertThat(onnx.json().get("schedulers").get("edm").asText()).contains("sigma_max=10.0");
    }

    @Test
    void plotsAreWrittenAsPngs() throws IOException {
        Path plots = dir.resolve("plots");
        CliRun r = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--schedule", "uniform",
                "--steps", "3,6", "--plots", plots.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().get("plots")).hasSize(2);
        for (String name : List.of("error-vs-nfe.png", "sigmas.png")) {
            Path p = plots.resolve(name);
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(p), 4);
            assertThat(head).containsExactly(0x89, 'P', 'N', 'G');
            assertThat(ImageIO.read(p.toFile())).isNotNull();
        }
    }

    @Test
    void fidWithIdentityFeaturesAndSavedReferenceStatistics() {
        Path stats = dir.resolve("ref.json");
        CliRun first = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--steps", "4,12",
                "--metric", "fid", "--features", "identity", "--save-ref-stats", stats.toString(), "--json");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.json().get("metric").asText()).isEqualTo("fid");
        assertThat(FeatureStatsFile.read(stats).dim()).isEqualTo(2);
        CliRun second = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--steps", "4,12",
                "--metric", "fid", "--features", "identity", "--ref-stats", stats.toString(), "--json");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(values(second.json())).isEqualTo(values(first.json()));
        Map<String, Double> v = values(first.json());
        assertThat(v.get("edm@12")).isLessThan(v.get("edm@4"));
    }

    @Test
    void fidWithAnOnnxFeatureModel() throws IOException {
        Path model = dir.resolve("features.onnx");
        Files.write(model, TinyOnnx.matMulModel(new float[][] {{1, 0, 2}, {0, 1, -1}}));
        CliRun r = eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--schedule", "uniform",
                "--steps", "4,12", "--metric", "fid", "--features", model.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().get("features").asText()).isEqualTo(model.toString());
        Map<String, Double> v = values(r.json());
        assertThat(v).hasSize(4);
        assertThat(v.get("edm@12")).isLessThan(v.get("edm@4"));
        assertThat(v.values()).allSatisfy(x -> assertThat(x).isFinite().isNotNegative());
    }

    @Test
    void fidOnTheShippedMnistModelWithItsFeatureNetworkAndDataStatistics() {
        Path mnist = Path.of("..", "models", "mnist-edm");
        assertThat(mnist.resolve("denoiser.onnx")).exists();
        CliRun r = CliRun.run("eval", "--denoiser", mnist.resolve("denoiser.onnx").toString(), "--schedule", "edm",
                "--steps", "2,3", "--metric", "fid", "--features", mnist.resolve("features.onnx").toString(),
                "--ref-stats", mnist.resolve("features_ref.json").toString(), "--samples", "8", "--quiet", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("rows")).hasSize(2);
        assertThat(j.get("schedulers").get("edm").asText()).contains("sigma_max=80.0");
        j.get("rows").forEach(row -> assertThat(row.get("value").asDouble()).isPositive().isFinite());
        CliRun rmse = CliRun.run("eval", "--denoiser", mnist.resolve("denoiser.onnx").toString(), "--schedule",
                "edm", "--steps", "2", "--samples", "4", "--reference-steps", "6", "--quiet", "--json");
        assertThat(rmse.exitCode()).as(rmse.err()).isZero();
        assertThat(rmse.json().get("rows").get(0).get("value").asDouble()).isPositive().isFinite();
    }

    @Test
    void baselineSpecsTakeTheModelRangeUnlessTheySayOtherwise() {
        try (DenoiserSource m = DenoiserSource.open("analytic:mixture2d")) {
            SigmaRange range = m.denoiser().sigmaRange();
            assertThat(resolved("edm", range)).isEqualTo(resolved("edm:sigma_max=10.0,sigma_min=0.002", null));
            assertThat(resolved("edm:rho=3,sigma_max=5", range))
                    .isEqualTo(resolved("edm:rho=3,sigma_max=5,sigma_min=0.002", null));
            assertThat(resolved("uniform:sigma_min=0,sigma_max=2", range))
                    .isEqualTo(resolved("uniform:sigma_min=0,sigma_max=2", null));
        }
        dev.artsched.sampling.Denoiser bare = dev.artsched.sampling.analytic.GaussianDenoiser.paper1d();
        assertThat(resolved("exponential", bare.sigmaRange())).isEqualTo(resolved("exponential", null));
    }

    /** The resolved scheduler's name and its 7-step grid. */
    private static List<Object> resolved(String spec, SigmaRange range) {
        TimestepScheduler s = TimestepSchedulers.create(spec);
        if (range != null) {
            s = s.withModelRange(range);
        }
        return List.of(s.name(), java.util.Arrays.toString(s.schedule(7).sigmas()));
    }

    @Test
    void badOptionsAreOneLineErrors() throws IOException {
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "nope", "--steps", "5"),
                "art: error: unknown scheduler 'nope'");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--steps", "5,0"),
                "art: error: --steps must be in [1, 100000], found 0");
        assertOneLineError(eval("--denoiser", dir.resolve("none.onnx").toString(), "--schedule", "edm"),
                "art: error: the denoiser must be an ONNX file or analytic:NAME (one of [gauss1d, mixture2d]), found");
        assertOneLineError(eval("--denoiser", "analytic:cifar", "--schedule", "edm"),
                "art: error: unknown analytic model 'cifar'");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"art-schedule/1\", \"name\": \"x\", \"sigmas\": [1, 0.5");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "art:path=" + bad),
                "art: error: ");
        assertThat(eval("--denoiser", "analytic:mixture2d", "--schedule", "art:path=" + bad).err()).contains("bad.json");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--metric", "lpips"),
                "art: error: --metric: expected ref-rmse or fid, found 'lpips'");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--metric", "fid"),
                "art: error: --metric fid needs --features");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--solver", "rk4"),
                "art: error: unknown solver 'rk4'");
        Path garbage = dir.resolve("stats.bin");
        Files.writeString(garbage, "garbage!");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--metric", "fid",
                "--features", "identity", "--ref-stats", garbage.toString()), "art: error: feature statistics file");
        assertOneLineError(eval("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--metric", "fid",
                "--features", dir.resolve("f.onnx").toString()), "art: error: feature model");
        CliRun usage = CliRun.run("eval", "--schedule", "edm");
        assertThat(usage.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(usage.errLines()).hasSize(2);
        assertThat(usage.errLines()[0]).contains("--denoiser");
    }

    private static void assertOneLineError(CliRun r, String prefix) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(CliSupport.ERROR);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.errLines()[0]).startsWith(prefix);
        assertThat(r.out()).isEmpty();
    }
}
