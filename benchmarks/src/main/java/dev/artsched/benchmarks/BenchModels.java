package dev.artsched.benchmarks;

import dev.artsched.scheduler.Schedule;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Model files and inputs shared by the benchmarks; paths resolve against {@code -Dart.root} (default "."). */
final class BenchModels {
    private BenchModels() {
    }

    /** The repository root the benchmarks run from. */
    static Path root() {
        return Path.of(System.getProperty("art.root", "."));
    }

    /** {@code gauss1d}, {@code mixture2d} (shipped in models/) or {@code tinyunet} (an 8x8 UNet test graph). */
    static Path denoiser(String model) {
        return check(dir(model).resolve("denoiser.onnx"));
    }

    static Path jvp(String model) {
        return check(dir(model).resolve("denoiser_jvp.onnx"));
    }

    private static Path dir(String model) {
        if (model.equals("tinyunet")) {
            return root().resolve("art-onnx-runtime/src/test/resources/onnx/tinyunet");
        }
        return root().resolve("models").resolve(model);
    }

    private static Path check(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("expected " + p.toAbsolutePath() + "; run from the repository root or set "
                    + "-Dart.root=<repository root>");
        }
        return p;
    }

    /** sigma_max * N(0, 1) noise (seeded). */
    static float[] noise(int n, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return x;
    }

    /** EDM (rho = 7) grid from sigmaMax to 0.002, then 0. */
    static Schedule edm(int steps, double sigmaMax) {
        double[] s = new double[steps + 1];
        double a = Math.pow(sigmaMax, 1 / 7.0);
        double b = Math.pow(0.002, 1 / 7.0);
        for (int i = 0; i < steps; i++) {
            s[i] = Math.pow(a + i / (steps - 1.0) * (b - a), 7);
        }
        return Schedule.of("edm-bench", s);
    }
}
