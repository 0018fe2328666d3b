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

    /**
     * Renders samples one row per group (a conditioning row: a class, a prompt), each row headed by its label, and
     * writes the PNG atomically.
     *
     * @param group  per sample, its group's index into {@code labels}
     * @param labels the groups' labels, in row order
     */
    public static void writeLabelled(Path out, float[] samples, int count, long[] shape, int[] group,
                                     java.util.List<String> labels, int scale) {
        int per = 0;
        int[] inGroup = new int[labels.size()];
        for (int i = 0; i < count; i++) {
            per = Math.max(per, ++inGroup[group[i]]);
        }
        int size = (int) (shape[0] * shape[1] * shape[2]);
        float[] laid = new float[labels.size() * per * size];
        java.util.Arrays.fill(laid, -1f);
        int[] next = new int[labels.size()];
        for (int i = 0; i < count; i++) {
            int slot = group[i] * per + next[group[i]]++;
            System.arraycopy(samples, i * size, laid, slot * size, size);
        }
        BufferedImage grid = render(laid, labels.size() * per, shape, per, scale);
        int rowHeight = (int) shape[1] * Math.max(1, scale) + 2;
        int labelWidth = 8 + 7 * labels.stream().mapToInt(String::length).max().orElse(0);
        BufferedImage img = new BufferedImage(labelWidth + grid.getWidth(), grid.getHeight(),
                BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        try {
            g.drawImage(grid, labelWidth, 0, null);
            g.setColor(java.awt.Color.WHITE);
            g.setFont(new java.awt.Font(java.awt.Font.MONOSPACED, java.awt.Font.PLAIN, 11));
            for (int r = 0; r < labels.size(); r++) {
                g.drawString(labels.get(r), 4, 2 + r * rowHeight + rowHeight / 2 + 4);
            }
        } finally {
            g.dispose();
        }
        writePng(out, img);
    }

    /** Renders and writes the grid to {@code out} (PNG), replacing any earlier file atomically. */
    public static void write(Path out, float[] samples, int batch, long[] shape, int columns, int scale) {
        writePng(out, render(samples, batch, shape, columns, scale));
    }

    private static void writePng(Path out, BufferedImage img) {
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
