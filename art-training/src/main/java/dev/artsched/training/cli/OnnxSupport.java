package dev.artsched.training.cli;

import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.scheduler.ArtException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens ONNX denoiser files for the CLI (a missing path gets a one-line error naming the option). */
final class OnnxSupport {
    private OnnxSupport() {
    }

    static DenoiserSource open(String spec) {
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
            throw new ArtException("--denoiser: expected analytic:gauss1d, analytic:mixture2d or an existing ONNX "
                    + "file, found '" + spec + "' (no such file)");
        }
        OnnxDenoiser d = OnnxDenoiser.load(file);
        return DenoiserSource.of(spec, d, d);
    }
}
