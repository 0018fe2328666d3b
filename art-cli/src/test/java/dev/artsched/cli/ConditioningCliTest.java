package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.artsched.eval.CondGraphs;
import dev.artsched.scheduler.ScheduleFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --cond}, {@code --uncond} and {@code --guidance} on the commands: conditional ONNX graphs built in Java and
 * the analytic class-conditional mixture, provenance, and one clear error line for each bad input.
 */
class ConditioningCliTest {
    private static final float[] V = {1.0f, -0.5f};
    private static final String[] SMALL = {"--samples", "32", "--reference-steps", "32", "--quiet"};

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path graph(String name, CondGraphs.Mean mean, boolean jvp) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, CondGraphs.gaussian(V, mean, 3, jvp, Map.of("art.sigma_min", "0.002", "art.sigma_max", "5")));
        return p;
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** Exactly one stderr line, the error, containing every part. */
    private static void oneError(CliRun r, String... parts) {
        assertThat(r.exitCode()).as(r.err()).isNotZero();
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.errLines()[0]).startsWith("art: error: ");
        for (String p : parts) {
            assertThat(r.errLines()[0]).contains(p);
        }
    }

    @Test
    void evalOnAConditionalGraphWithGuidanceRecordsTheConditioning() throws IOException {
        Path m = graph("cond.onnx", CondGraphs.Mean.LABELS, false);
        Path cond = file("labels.json", "{\"class_labels\": [1, 2, 3]}");
        Path uncond = file("null.json", "{\"class_labels\": [0]}");
        CliRun r = CliRun.run(with(new String[] {"eval", "--denoiser", m.toString(), "--schedule", "edm", "--steps",
            "4", "--cond", cond.toString(), "--uncond", uncond.toString(), "--guidance", "2.5", "--json"}, SMALL));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode c = r.json().get("conditioning");
        assertThat(c.get("cond_rows").asInt()).isEqualTo(3);
        assertThat(c.get("guidance").asDouble()).isEqualTo(2.5);
        assertThat(c.get("cond_sha256").asText()).hasSize(64);
        assertThat(c.get("uncond_sha256").asText()).hasSize(64);
        assertThat(c.get("row_order")).hasSize(3);
        assertThat(c.get("model_batch_per_sample").asInt()).isEqualTo(2);
    }

    @Test
    void trainClosedFormOnTheAnalyticClassMixtureWritesTheConditioningProvenance() throws IOException {
        Path cond = file("labels.json", "{\"class_labels\": [0, 1]}");
        Path uncond = file("null.json", "{\"class_labels\": [" + dev.artsched.sampling.analytic
                .ClassConditionalMixture.member(5).classes() + "]}");
        Path out = dir.resolve("g.json");
        CliRun r = CliRun.run("train", "--denoiser", "analytic:classmix-5", "--method", "closed-form", "--solver",
                "euler", "--steps", "4", "--rollouts", "64", "--fine-steps", "100", "--no-guard", "--cond",
                cond.toString(), "--uncond", uncond.toString(), "--guidance", "3", "--out", out.toString(), "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Map<String, Object> c = castMap(ScheduleFile.read(out).training().get("conditioning"));
        assertThat(c).containsEntry("guidance", 3.0).containsEntry("cond_file", cond.toString())
                .containsEntry("uncond_file", uncond.toString()).containsKey("cond_sha256");
        assertThat(ScheduleFile.read(out).training()).containsEntry("model", "analytic:classmix-5");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void guidanceWithoutUncondIsOneLineOnEveryCommand() throws IOException {
        Path cond = file("labels.json", "{\"class_labels\": [0, 1]}");
        String need = "--guidance 3.0 needs --uncond FILE";
        oneError(CliRun.run("train", "--denoiser", "analytic:classmix-1", "--steps", "4", "--solver", "euler",
                "--method", "closed-form", "--cond", cond.toString(), "--guidance", "3", "--out",
                dir.resolve("t.json").toString()), need);
        oneError(CliRun.run("eval", "--denoiser", "analytic:classmix-1", "--schedule", "edm", "--cond",
                cond.toString(), "--guidance", "3"), need);
        oneError(CliRun.run("sample", "--denoiser", "analytic:classmix-1", "--steps", "4", "--cond", cond.toString(),
                "--guidance", "3", "--out", dir.resolve("s.png").toString()), need);
        oneError(CliRun.run("compare", "--denoiser", "analytic:classmix-1", "--methods", "closed-form", "--cond",
                cond.toString(), "--guidance", "3", "--out", dir.resolve("cmp").toString()), need);
        assertThat(dir.resolve("cmp")).doesNotExist();
        oneError(CliRun.run("eval", "--denoiser", "analytic:classmix-1", "--schedule", "edm", "--uncond",
                cond.toString()), "--uncond needs --cond FILE");
    }

    @Test
    void badConditioningSetsAreOneClearLine() throws IOException {
        Path m = graph("cond.onnx", CondGraphs.Mean.LABELS, false);
        Path shared = graph("shared.onnx", CondGraphs.Mean.LABELS_SHARED_SCALE, false);
        String[] eval = {"eval", "--schedule", "edm", "--steps", "2", "--samples", "8", "--reference-steps", "8",
            "--quiet", "--denoiser"};
        oneError(CliRun.run(with(eval, m.toString(), "--cond", file("a.json", "{\"labels\": [1]}").toString())),
                "has array 'labels', which " + m + " does not declare: expected arrays for class_labels int64 [B]");
        oneError(CliRun.run(with(eval, shared.toString(), "--cond", file("b.json", "{\"class_labels\": [1]}")
                .toString())), shared + " needs conditioning input 'scale'",
                "expected arrays for class_labels int64 [B], scale float32 [] (shared by the batch), found "
                        + "[class_labels]");
        oneError(CliRun.run(with(eval, m.toString(), "--cond", file("c.json", "{\"class_labels\": [0.5]}")
                .toString())), "conditioning input 'class_labels' of " + m + ": expected int64, found float32");
        oneError(CliRun.run(with(eval, m.toString(), "--cond", file("d.json", "{\"class_labels\": [[1, 2]]}")
                .toString())), "expected rows of shape [] (array [M]), found class_labels [1, 2]");
        oneError(CliRun.run(with(eval, m.toString(), "--cond", file("e.json", "{\"class_labels\": []}")
                .toString())), "empty set (M = 0)");
        oneError(CliRun.run(with(eval, m.toString())), "unexpected input 'class_labels'", "found inputs x float32",
                "class_labels int64 [?]");
        oneError(CliRun.run(with(eval, "analytic:mixture2d", "--cond", file("f.json", "{\"class_labels\": [1]}")
                .toString())), "analytic:mixture2d is unconditional");
        oneError(CliRun.run(with(eval, "analytic:classmix-1", "--cond", file("g.json", "{\"class_labels\": [99]}")
                .toString())), "class label of classmix-1: expected 0..");
    }

    @Test
    void trainUsesTheConditionedJvpGraph() throws IOException {
        Path m = graph("cond.onnx", CondGraphs.Mean.LABELS, false);
        Path j = graph("cond_jvp.onnx", CondGraphs.Mean.LABELS, true);
        Path cond = file("labels.json", "{\"class_labels\": [1, 2]}");
        Path uncond = file("null.json", "{\"class_labels\": [0]}");
        Path out = dir.resolve("g.json");
        CliRun r = CliRun.run("train", "--denoiser", m.toString(), "--jvp", j.toString(), "--method", "closed-form",
                "--solver", "euler", "--steps", "4", "--rollouts", "32", "--fine-steps", "50", "--no-guard",
                "--cond", cond.toString(), "--uncond", uncond.toString(), "--guidance", "2", "--out", out.toString(),
                "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(ScheduleFile.read(out).training()).containsEntry("jvp", "onnx-jvp").containsKey("conditioning");
        Path out2 = dir.resolve("fd.json");
        CliRun fd = CliRun.run("train", "--denoiser", m.toString(), "--method", "closed-form", "--solver", "euler",
                "--steps", "4", "--rollouts", "32", "--fine-steps", "50", "--no-guard", "--cond", cond.toString(),
                "--uncond", uncond.toString(), "--guidance", "2", "--out", out2.toString(), "--quiet");
        assertThat(fd.exitCode()).as(fd.err()).isZero();
        double[] a = ScheduleFile.read(out).sigmas();
        double[] b = ScheduleFile.read(out2).sigmas();
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], org.assertj.core.api.Assertions.within(0.02 * (1 + a[i])));
        }
    }

    private Path npz(String name, float value) throws IOException {
        float[] v = new float[77 * 768];
        java.util.Arrays.fill(v, value);
        byte[] npy = dev.artsched.sampling.conditional.ConditioningFiles.npy(dev.artsched.sampling.conditional
                .Conditioning.Array.of("encoder_hidden_states", new long[] {77, 768}, v));
        Path p = dir.resolve(name);
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(p))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("encoder_hidden_states.npy"));
            zip.write(npy);
            zip.closeEntry();
        }
        return p;
    }

    @Test
    void theExportedSd15SignatureUnetRunsThroughTrainEvalAndSampleWithGuidance() throws IOException {
        // models/sd-tiny-unet: random weights, exactly the diffusers SD 1.5 UNet signature (sample [B, 4, 8, 8],
        // int64 timestep [B], encoder_hidden_states [B, 77, 768] -> out_sample), SD's scaled-linear table
        Path sd = Path.of("..", "models", "sd-tiny-unet");
        String[] model = {"--denoiser", sd.resolve("unet.onnx").toString(), "--prediction", "eps", "--betas",
            "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000", "--cond", sd.resolve("prompt.npz").toString(),
            "--uncond", sd.resolve("empty.npz").toString(), "--guidance", "7.5", "--quiet"};
        Path grid = dir.resolve("sd15.json");
        CliRun t = CliRun.run(with(with(new String[] {"train", "--method", "closed-form", "--solver", "euler",
            "--steps", "5", "--rollouts", "8", "--fine-steps", "40", "--no-guard", "--out", grid.toString()}, model)));
        assertThat(t.exitCode()).as(t.err()).isZero();
        ScheduleFile learned = ScheduleFile.read(grid);
        assertThat(learned.sigmas()).hasSize(6);
        assertThat(learned.sigmaMax()).isCloseTo(14.61, org.assertj.core.api.Assertions.within(0.01));
        Map<String, Object> cond = castMap(learned.training().get("conditioning"));
        assertThat(cond).containsEntry("guidance", 7.5).containsKey("cond_sha256").containsKey("uncond_sha256");
        CliRun e = CliRun.run(with(with(new String[] {"eval", "--schedule", "art:path=" + grid, "--schedule", "edm",
            "--schedule", "simple", "--steps", "5", "--samples", "4", "--reference-steps", "12", "--json"}, model)));
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.json().get("rows")).hasSize(3);
        for (JsonNode row : e.json().get("rows")) {
            assertThat(row.get("value").asDouble()).isFinite().isPositive();
        }
        Path latents = dir.resolve("sd15-latents.npy");
        CliRun sm = CliRun.run(with(with(new String[] {"sample", "--scheduler", "art:path=" + grid, "--steps", "5",
            "--samples", "2", "--out", latents.toString()}, model)));
        assertThat(sm.exitCode()).as(sm.err()).isZero();
        dev.artsched.sampling.conditional.Conditioning back = dev.artsched.sampling.conditional.ConditioningFiles
                .read(latents);
        assertThat(back.rows()).isEqualTo(2);
        assertThat(back.arrays().get(0).rowShape()).containsExactly(4, 8, 8);
    }

    @Test
    void sampleOnTheFashionModelWritesOneLabelledRowPerClass() throws IOException {
        Path fashion = Path.of("..", "models", "fashion-edm");
        Path labels = file("labels.json", "{\"class_labels\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}");
        Path empty = file("null.json", "{\"class_labels\": [10]}");
        Path png = dir.resolve("classes.png");
        CliRun r = CliRun.run("sample", "--denoiser", fashion.resolve("denoiser.onnx").toString(), "--cond",
                labels.toString(), "--uncond", empty.toString(), "--guidance", "2", "--steps", "2", "--samples", "30",
                "--batch", "10", "--out", png.toString(), "--json", "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.json().get("conditioning").get("guidance").asDouble()).isEqualTo(2.0);
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        // ten rows (one per class) of three 28 x 28 images at scale 2 with 2-pixel gaps, labels on the left
        assertThat(img.getHeight()).isEqualTo(2 + 10 * (28 * 2 + 2));
        assertThat(img.getWidth()).isGreaterThan(2 + 3 * (28 * 2 + 2));
    }

    @Test
    void sdLikeUnetWithEpsPredictionBetasAndGuidanceThroughTrainEvalAndSample() throws IOException {
        Path unet = dir.resolve("unet.onnx");
        Files.write(unet, CondGraphs.sdLike(2, 2, true));
        Path prompt = npz("prompt.npz", 0.1f);
        Path empty = npz("empty.npz", 0f);
        String[] model = {"--denoiser", unet.toString(), "--prediction", "eps", "--betas",
            "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000", "--cond", prompt.toString(), "--uncond",
            empty.toString(), "--guidance", "7.5", "--quiet"};
        Path grid = dir.resolve("sd.json");
        CliRun t = CliRun.run(with(with(new String[] {"train", "--method", "closed-form", "--solver", "euler",
            "--steps", "4", "--rollouts", "16", "--fine-steps", "40", "--no-guard", "--out", grid.toString()}, model)));
        assertThat(t.exitCode()).as(t.err()).isZero();
        Map<String, Object> training = ScheduleFile.read(grid).training();
        assertThat(castMap(training.get("parameterisation"))).containsEntry("prediction", "eps")
                .containsEntry("integer_timesteps", true).containsEntry("train_timesteps", 1000);
        assertThat(castMap(training.get("conditioning"))).containsEntry("guidance", 7.5);
        assertThat(training).containsEntry("jvp", "finite-difference");
        assertThat(ScheduleFile.read(grid).sigmaMax()).isCloseTo(14.61, org.assertj.core.api.Assertions.within(0.01));
        CliRun e = CliRun.run(with(with(new String[] {"eval", "--schedule", "art:path=" + grid, "--schedule", "edm",
            "--steps", "4", "--samples", "8", "--reference-steps", "16", "--json"}, model)));
        assertThat(e.exitCode()).as(e.err()).isZero();
        assertThat(e.json().get("conditioning").get("guidance").asDouble()).isEqualTo(7.5);
        Path latents = dir.resolve("latents.npy");
        CliRun sm = CliRun.run(with(with(new String[] {"sample", "--steps", "3", "--samples", "2", "--out",
            latents.toString(), "--input-names", "sample,timestep", "--output-name", "out_sample"}, model)));
        assertThat(sm.exitCode()).as(sm.err()).isZero();
        dev.artsched.sampling.conditional.Conditioning back = dev.artsched.sampling.conditional.ConditioningFiles
                .read(latents);
        assertThat(back.rows()).isEqualTo(2);
        assertThat(back.arrays().get(0).rowShape()).containsExactly(4, 2, 2);
        oneError(CliRun.run(with(new String[] {"eval", "--schedule", "edm", "--denoiser", unet.toString(),
            "--prediction", "eps", "--cond", prompt.toString()})), "eps prediction needs the model's discrete VP table");
        oneError(CliRun.run(with(with(new String[] {"eval", "--schedule", "edm", "--input-names", "latent,t"}, model))),
                "expected inputs [latent, t] and output [out_sample], found inputs");
        oneError(CliRun.run(with(new String[] {"eval", "--schedule", "edm", "--denoiser", unet.toString(),
            "--betas", "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000"})), "are for raw networks");
        oneError(CliRun.run(with(new String[] {"eval", "--schedule", "edm", "--denoiser", unet.toString(),
            "--prediction", "eps", "--betas", "scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000"})),
                "declares conditioning inputs [encoder_hidden_states float32 [B, 77, 768]]");
    }

    @Test
    void compareUnderGuidanceRecordsTheConditioningInTheTableAndTheWinners() throws IOException {
        int c = dev.artsched.sampling.analytic.ClassConditionalMixture.member(5).classes();
        Path cond = file("labels.json", "{\"class_labels\": [0, 1, 2]}");
        Path uncond = file("null.json", "{\"class_labels\": [" + c + "]}");
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.run("compare", "--denoiser", "analytic:classmix-5", "--solver", "euler", "--steps", "4",
                "--methods", "closed-form", "--rollouts", "64", "--samples", "32", "--reference-steps", "32",
                "--cond", cond.toString(), "--uncond", uncond.toString(), "--guidance", "3", "--out", out.toString(),
                "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("compare.json")
                .toFile());
        assertThat(json.path("conditioning").path("guidance").asDouble()).isEqualTo(3.0);
        assertThat(json.path("conditioning").path("cond_sha256").asText()).hasSize(64);
        ScheduleFile learned = ScheduleFile.read(out.resolve("closed-form-euler-4.json"));
        assertThat(castMap(learned.training().get("conditioning"))).containsEntry("guidance", 3.0);
        ScheduleFile winner = ScheduleFile.read(Path.of(json.path("winners").path("4").path("file").asText()));
        assertThat(winner.training()).containsKey("conditioning");
    }
}
