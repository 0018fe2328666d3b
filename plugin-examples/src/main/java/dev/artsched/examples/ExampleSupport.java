package dev.artsched.examples;

import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Small helpers shared by the example hosts: bundled model bytes, seeded noise, a sample summary. */
public final class ExampleSupport {
    private ExampleSupport() {
    }

    /** Bytes of a bundled model ({@code mixture2d}, {@code gauss1d}, ...) or of a model file path. */
    public static byte[] modelBytes(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        try {
            if (Files.isRegularFile(p)) {
                return Files.readAllBytes(p);
            }
            String res = "/META-INF/art/models/" + nameOrPath + "/denoiser.onnx";
            try (InputStream in = ExampleSupport.class.getResourceAsStream(res)) {
                if (in == null) {
                    throw new ArtException("no model file " + nameOrPath + " and no bundled model resource " + res);
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ArtException("cannot read model " + nameOrPath + ": " + e.getMessage(), e);
        }
    }

    /** {@code n} standard normal floats times {@code scale}, from a seeded generator. */
    public static float[] noise(int n, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * rng.nextGaussian());
        }
        return x;
    }

    /** Mean and standard deviation of all values, formatted. */
    public static String summary(float[] x) {
        double m = 0;
        for (float v : x) {
            m += v;
        }
        m /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - m) * (v - m);
        }
        return String.format(java.util.Locale.ROOT, "mean %.4f, std %.4f over %d values", m,
                Math.sqrt(var / x.length), x.length);
    }

    /** Value of {@code --name} in {@code args}, or the default. */
    public static String arg(String[] args, String name, String def) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--" + name)) {
                return args[i + 1];
            }
        }
        return def;
    }
}
