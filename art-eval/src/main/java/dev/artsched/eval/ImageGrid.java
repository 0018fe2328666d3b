package dev.artsched.eval;

import java.io.UncheckedIOException;
import dev.artsched.scheduler.ArtException;
import dev.artsched.internal.AtomicFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a batch of image samples ({@code [C, H, W]} each, values in [-1, 1], C = 1 or 3) as one PNG grid,
 * atomically.
 */
public final class ImageGrid {
    private ImageGrid() {
    }

    /**
     * Renders the grid.
     *
     * @param samples {@code batch * C * H * W} values in [-1, 1] (clamped)
     * @param batch   number of images
     * @param shape   one sample's shape {@code [C, H, W]}
     * @param columns images per row (0 = about square)
     * @param scale   integer pixel magnification (>= 1)
     */
    public static BufferedImage render(float[] samples, int batch, long[] shape, int columns, int scale) {
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3)) {
            throw new ArtException("an image grid needs samples of shape [C, H, W] with C = 1 or 3, found "
                    + java.util.Arrays.toString(shape));
        }
        int c = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        if (samples.length < (long) batch * c * h * w) {
            throw new ArtException("expected " + batch + " images of " + c * h * w + " values, found "
                    + samples.length + " values");
        }
        int cols = columns > 0 ? columns : (int) Math.ceil(Math.sqrt(batch));
        int rows = (batch + cols - 1) / cols;
        int pad = 2;
        int s = Math.max(1, scale);
        BufferedImage img = new BufferedImage(cols * (w * s + pad) + pad, rows * (h * s + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        for (int b = 0; b < batch; b++) {
            int ox = pad + (b % cols) * (w * s + pad);
            int oy = pad + (b / cols) * (h * s + pad);
            int base = b * c * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int r = level(samples[base + y * w + x]);
                    int g = c == 3 ? level(samples[base + h * w + y * w + x]) : r;
                    int bl = c == 3 ? level(samples[base + 2 * h * w + y * w + x]) : r;
                    int rgb = (r << 16) | (g << 8) | bl;
                    for (int dy = 0; dy < s; dy++) {
                        for (int dx = 0; dx < s; dx++) {
                            img.setRGB(ox + x * s + dx, oy + y * s + dy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /** Renders and writes the grid to {@code out} (PNG), replacing any earlier file atomically. */
    public static void write(Path out, float[] samples, int batch, long[] shape, int columns, int scale) {
        BufferedImage img = render(samples, batch, shape, columns, scale);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", buf)) {
                throw new ArtException("no PNG writer available in this JVM");
            }
        } catch (IOException e) {
            throw new ArtException("cannot encode PNG " + out + ": " + e.getMessage(), e);
        }
        try {
            AtomicFiles.write(out, buf.toByteArray(), "image");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    /**
     * Writes samples as a NumPy {@code .npy} float32 array [count, shape...] (latents and other non-image
     * samples), atomically.
     */
    public static void writeNpy(java.nio.file.Path out, float[] samples, int count, long[] shape) {
        long per = 1;
        for (long d : shape) {
            per *= d;
        }
        float[] values = java.util.Arrays.copyOf(samples, (int) (count * per));
        byte[] bytes = dev.artsched.sampling.conditional.ConditioningFiles.npy(
                dev.artsched.sampling.conditional.Conditioning.Array.of("samples", shape, values));
        try {
            AtomicFiles.write(out, bytes, "samples");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    private static int level(float v) {
        float t = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
        return Math.round((t + 1f) * 127.5f);
    }
}
