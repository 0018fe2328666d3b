package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadErrorsTest {

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.onnx");
        assertThatThrownBy(() -> OnnxDenoiser.load(missing))
                .isInstanceOf(ArtException.class)
                .hasMessage("ONNX model file not found: expected a readable .onnx file at " + missing
                        + ", found nothing there");
    }

    @Test
    void truncatedFileIsReportedAsTruncatedOrCorrupt(@TempDir Path dir) throws Exception {
        byte[] full = Files.readAllBytes(TestModels.MIXTURE);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> OnnxDenoiser.load(cut))
                .isInstanceOf(ArtException.class)
                .hasMessageStartingWith("could not load ONNX model " + cut + " (" + full.length / 2 + " bytes)")
                .hasMessageContaining("found a truncated or corrupt file (ORT error ");
    }

    @Test
    void randomBytesAreReportedAsCorrupt(@TempDir Path dir) throws Exception {
        byte[] junk = new byte[300];
        new SplittableRandom(9).nextBytes(junk);
        Path file = dir.resolve("junk.onnx");
        Files.write(file, junk);
        assertThatThrownBy(() -> OnnxDenoiser.load(file))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("junk.onnx (300 bytes)").hasMessageContaining("truncated or corrupt");
    }

    @Test
    void wellFormedGraphWithAnUnknownOperatorIsNotCalledCorrupt() {
        Path file = TestModels.RESOURCES.resolve("unknown_op.onnx");
        assertThatThrownBy(() -> OnnxDenoiser.load(file))
                .isInstanceOf(ArtException.class)
                .hasMessageStartingWith("could not load ONNX model " + file)
                .hasMessageContaining("found a graph ONNX Runtime cannot load (ORT error ")
                .hasMessageNotContaining("corrupt");
    }

    @Test
    void emptyFileAndDirectoryGetTheirOwnMessages(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> OnnxDenoiser.load(empty))
                .isInstanceOf(ArtException.class).hasMessageContaining("found an empty file (0 bytes)");
        assertThatThrownBy(() -> OnnxDenoiser.load(dir))
                .isInstanceOf(ArtException.class).hasMessageContaining("expected a readable regular file, found a directory");
    }

    @Test
    void wrongNamesListExpectedAndFoundInOneMessage() {
        Path file = TestModels.RESOURCES.resolve("wrong_names.onnx");
        assertThatThrownBy(() -> OnnxDenoiser.load(file))
                .isInstanceOf(ArtException.class)
                .hasMessageStartingWith("ONNX model " + file + " has the wrong signature: missing input 'x'; "
                        + "missing input 'sigma'; unexpected input 'input' (no value would be fed to it); "
                        + "unexpected input 't' (no value would be fed to it); missing output 'denoised'.")
                .hasMessageContaining("Expected inputs x float32 [B, ...], sigma float32 [B] and outputs denoised "
                        + "float32 (shape of x); found inputs input float32 [?, 1], t float32 [?] and outputs "
                        + "out float32 [?, 1]");
    }

    @Test
    void wrongTypesAndRanksAreListed() {
        Path file = TestModels.RESOURCES.resolve("wrong_types.onnx");
        assertThatThrownBy(() -> OnnxDenoiser.load(file))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("input 'x' has type float64, expected float32")
                .hasMessageContaining("input 'sigma' has shape [?, 1], expected [B]")
                .hasMessageContaining("found inputs x float64 [?, 1], sigma float32 [?, 1]");
    }

    @Test
    void outputShapeMustBeTheShapeOfX() {
        Path file = TestModels.RESOURCES.resolve("wrong_output_shape.onnx");
        assertThatThrownBy(() -> OnnxDenoiser.load(file))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("output 'denoised' has shape [?, 1], expected the shape of x [?, 2]");
    }

    @Test
    void jvpGraphIsNotADenoiserAndViceVersa() {
        assertThatThrownBy(() -> OnnxDenoiser.load(TestModels.GAUSS_JVP))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("unexpected input 'x_tangent'").hasMessageContaining("unexpected input 'sigma_tangent'");
        assertThatThrownBy(() -> OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.GAUSS))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("missing input 'x_tangent'").hasMessageContaining("missing output 'denoised_tangent'");
    }

    @Test
    void jvpGraphMustMatchTheDenoiserSampleShape() {
        assertThatThrownBy(() -> OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.MIXTURE_JVP))
                .isInstanceOf(ArtException.class)
                .hasMessageContaining("expected the sample shape of the denoiser").hasMessageContaining("[1], found [2]");
    }

    @Test
    void invalidOptionsAreRejected() {
        assertThatThrownBy(() -> OnnxOptions.builder().optIntraOpThreads(0).build())
                .isInstanceOf(ArtException.class).hasMessage("intraOpThreads must be >= 1, found 0");
        assertThatThrownBy(() -> OnnxOptions.builder().optNames("x", "x", "denoised").build())
                .isInstanceOf(ArtException.class).hasMessageContaining("input names must differ");
        assertThatThrownBy(() -> OnnxOptions.builder().optNames("x", " ", "denoised").build())
                .isInstanceOf(ArtException.class).hasMessageContaining("sigmaName must be a non-blank tensor name");
    }
}
