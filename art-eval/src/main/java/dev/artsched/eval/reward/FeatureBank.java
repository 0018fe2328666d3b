package dev.artsched.eval.reward;

import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A bank of real-data feature vectors, [M, F] float32: read from and written to a NumPy {@code .npz} file holding
 * one array {@code features} (little-endian float32 or float64, C order). Immutable.
 *
 * @param values   M * F values, row after row
 * @param rows     M >= 1
 * @param features F >= 1
 */
public record FeatureBank(float[] values, int rows, int features) {
    private static final long MAX_VALUES = 1L << 28;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,?\\s*\\)");

    /** Validates and copies. */
    public FeatureBank {
        if (rows < 1 || features < 1 || values == null || values.length != (long) rows * features) {
            throw new ArtException("a feature bank expected M >= 1 rows of F >= 1 features (M * F values), found "
                    + rows + " x " + features + " with " + (values == null ? 0 : values.length) + " values");
        }
        values = values.clone();
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new ArtException("a feature bank expected finite values, found " + v);
            }
        }
    }

    /** Reads the array {@code features} of a {@code .npz} file. */
    public static FeatureBank read(Path file) {
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals("features.npy")) {
                    return parseNpy(file, zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, 4 * MAX_VALUES + 4096)));
                }
            }
            throw new ArtException("real-feature file " + file + ": expected a .npz holding an array 'features', "
                    + "found none");
        } catch (NoSuchFileException e) {
            throw new ArtException("real-feature file " + file + " does not exist (expected a .npz file)", e);
        } catch (IOException e) {
            throw new ArtException("cannot read real-feature file " + file + " as a .npz: " + e.getMessage(), e);
        }
    }

    private static FeatureBank parseNpy(Path file, byte[] b) {
        String what = "real-feature file " + file + ": array 'features' ";
        if (b.length < 10 || (b[0] & 0xff) != 0x93 || b[1] != 'N' || b[2] != 'U') {
            throw new ArtException(what + "expected the .npy magic, found something else");
        }
        int major = b[6];
        int headerLen = major == 1 ? (b[8] & 0xff) | (b[9] & 0xff) << 8
                : ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = major == 1 ? 10 : 12;
        if (headerLen < 0 || start + headerLen > b.length) {
            throw new ArtException(what + "has a truncated header");
        }
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !s.find() || (o.find() && o.group(1).equals("True"))) {
            throw new ArtException(what + "expected a 2-D C-order array [M, F], found header " + header.trim());
        }
        String descr = d.group(1);
        int width = descr.equals("<f4") ? 4 : descr.equals("<f8") ? 8 : -1;
        if (width < 0) {
            throw new ArtException(what + "expected dtype <f4 or <f8, found " + descr);
        }
        long m = Long.parseLong(s.group(1));
        long f = Long.parseLong(s.group(2));
        if (m * f > MAX_VALUES || (long) start + headerLen + m * f * width > b.length) {
            throw new ArtException(what + "expected " + m + " x " + f + " values within the file, found "
                    + (b.length - start - headerLen) + " data bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(b, start + headerLen, (int) (m * f * width)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[(int) (m * f)];
        for (int i = 0; i < v.length; i++) {
            v[i] = width == 4 ? buf.getFloat() : (float) buf.getDouble();
        }
        return new FeatureBank(v, (int) m, (int) f);
    }

    /** Writes the bank as a {@code .npz} with one float32 array {@code features}, atomically. */
    public void write(Path file) {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + features + "), }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        ByteBuffer npy = ByteBuffer.allocate(10 + header.length() + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        npy.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            npy.putFloat(v);
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                zip.putNextEntry(new ZipEntry("features.npy"));
                zip.write(npy.array());
                zip.closeEntry();
            }
            AtomicFiles.write(file, bytes.toByteArray(), "real-feature file");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ArtException("cannot write real-feature file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The per-feature standard deviation averaged over features (the data scale of an identity bank). */
    public double meanStd() {
        double total = 0;
        for (int j = 0; j < features; j++) {
            double m = 0;
            double q = 0;
            for (int r = 0; r < rows; r++) {
                double v = values[r * features + j];
                m += v;
                q += v * v;
            }
            m /= rows;
            total += Math.sqrt(Math.max(q / rows - m * m, 0));
        }
        return total / features;
    }
}
