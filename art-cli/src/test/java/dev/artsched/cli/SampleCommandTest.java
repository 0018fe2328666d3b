package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SampleCommandTest {
    private static final String MNIST = "../models/mnist-edm/denoiser.onnx";

    @TempDir
    Path dir;

    @Test
    void writesAReproduciblePngGridWithPerSampleSeeds() throws IOException {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Cli r = Cli.run("sample", "--denoiser", MNIST, "--scheduler", "edm", "--steps", "3", "--samples", "4",
                "--seed", "7", "--out", a.toString(), "--json", "--quiet");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("nfe").asInt()).isEqualTo(5);
        assertThat(j.get("scheduler").asText()).contains("sigma_max=80.0");
        BufferedImage img = ImageIO.read(a.toFile());
        assertThat(img.getWidth()).isEqualTo(2 + 2 * (28 * 2 + 2));
        // a batch of 2 per call must give the same images (per-sample seeds, not per-batch)
        Cli r2 = Cli.run("sample", "--denoiser", MNIST, "--scheduler", "edm", "--steps", "3", "--samples", "4",
                "--seed", "7", "--batch", "2", "--out", b.toString(), "--quiet");
        assertThat(r2.code()).as(r2.err()).isZero();
        assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(a));
    }

    @Test
    void rejectsNonImageModelsAndBadOptions() {
        Cli r = Cli.run("sample", "--denoiser", "analytic:mixture2d", "--steps", "3", "--out", dir.resolve("x.png").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("expected a model whose samples have shape [C, H, W], found [2]");
        Cli s = Cli.run("sample", "--denoiser", MNIST, "--steps", "0", "--out", dir.resolve("x.png").toString());
        assertThat(s.code()).isEqualTo(1);
        assertThat(s.err()).contains("--steps must be in [1, 100000], found 0");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }
}
