package dev.artsched.eval;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import dev.artsched.internal.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.artsched.scheduler.ArtException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads and writes reference feature statistics ({@link GaussianStats}) for FID. Two encodings, chosen by the
 * file name: {@code *.json} is {@code {"format": "art-fid-stats/1", "dim": d, "count": n, "mean": [...],
 * "cov": [[...], ...]}}; anything else is a small big-endian binary file: the 8 ASCII bytes {@code ARTFIDS1},
 * int d, long n, d doubles of mean, then the d (d + 1) / 2 doubles of the covariance's upper triangle row by
 * row. Writes are atomic (temporary file, then move); every malformed file is rejected with an
 * {@link ArtException} naming the file.
 */
public final class FeatureStatsFile {
    /** The {@code format} value of the JSON encoding. */
    public static final String JSON_FORMAT = "art-fid-stats/1";
    private static final byte[] MAGIC = "ARTFIDS1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_DIM = 1 << 14;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FeatureStatsFile() {
    }

    /** Reads statistics from {@code file} (JSON if the name ends in {@code .json}, binary otherwise). */
    public static GaussianStats read(Path file) {
        try {
            return isJson(file) ? readJson(file) : readBinary(file);
        } catch (NoSuchFileException e) {
            throw new ArtException("feature statistics file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new ArtException("cannot read feature statistics file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code stats} to {@code file} atomically, creating parent directories. */
    public static void write(Path file, GaussianStats stats) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (isJson(file)) {
                MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, toJson(stats));
            } else {
                writeBinary(out, stats);
            }
            AtomicFiles.write(file, out.toByteArray(), "feature statistics file");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ArtException("cannot write feature statistics file " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isJson(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    private static void writeBinary(OutputStream os, GaussianStats stats) throws IOException {
        DataOutputStream out = new DataOutputStream(os);
        int d = stats.dim();
        out.write(MAGIC);
        out.writeInt(d);
        out.writeLong(stats.count());
        for (int i = 0; i < d; i++) {
            out.writeDouble(stats.mean(i));
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                out.writeDouble(stats.cov(i, j));
            }
        }
        out.flush();
    }

    private static GaussianStats readBinary(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream is = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream in = new DataInputStream(is);
            byte[] magic = new byte[MAGIC.length];
            int got = in.readNBytes(magic, 0, magic.length);
            if (got != magic.length || !Arrays.equals(magic, MAGIC)) {
                throw new ArtException("feature statistics file " + file + ": expected the header "
                        + new String(MAGIC, StandardCharsets.US_ASCII) + " (or a .json file), found "
                        + printable(magic, got));
            }
            int d = in.readInt();
            long n = in.readLong();
            if (d < 1 || d > MAX_DIM) {
                throw new ArtException("feature statistics file " + file + ": expected a dimension in [1, "
                        + MAX_DIM + "], found " + d);
            }
            long expected = MAGIC.length + 4L + 8L + 8L * (d + (long) d * (d + 1) / 2);
            if (size != expected) {
                throw new ArtException("feature statistics file " + file + ": expected " + expected
                        + " bytes for dimension " + d + ", found " + size);
            }
            double[] mean = new double[d];
            for (int i = 0; i < d; i++) {
                mean[i] = in.readDouble();
            }
            double[][] cov = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double v = in.readDouble();
                    cov[i][j] = v;
                    cov[j][i] = v;
                }
            }
            return validated(file, mean, cov, n);
        } catch (EOFException e) {
            throw new ArtException("feature statistics file " + file + " is truncated", e);
        }
    }

    private static GaussianStats validated(Path file, double[] mean, double[][] cov, long n) {
        try {
            return new GaussianStats(mean, cov, n);
        } catch (ArtException e) {
            throw new ArtException("feature statistics file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String printable(byte[] bytes, int n) {
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            sb.append(c >= 32 && c < 127 ? String.valueOf((char) c) : String.format(Locale.ROOT, "\\x%02x", c));
        }
        return sb.append("'").toString();
    }

    private static ObjectNode toJson(GaussianStats stats) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", JSON_FORMAT);
        root.put("dim", stats.dim());
        root.put("count", stats.count());
        ArrayNode mean = root.putArray("mean");
        for (int i = 0; i < stats.dim(); i++) {
            mean.add(stats.mean(i));
        }
        ArrayNode cov = root.putArray("cov");
        for (int i = 0; i < stats.dim(); i++) {
            ArrayNode row = cov.addArray();
            for (int j = 0; j < stats.dim(); j++) {
                row.add(stats.cov(i, j));
            }
        }
        return root;
    }

    private static GaussianStats readJson(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ArtException("feature statistics file " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ArtException("feature statistics file " + file + ": expected a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        String format = root.path("format").asText(null);
        if (!JSON_FORMAT.equals(format)) {
            throw new ArtException("feature statistics file " + file + ": expected \"format\": \"" + JSON_FORMAT
                    + "\", found " + (format == null ? "no format" : "\"" + format + "\""));
        }
        JsonNode meanNode = root.path("mean");
        JsonNode covNode = root.path("cov");
        if (!meanNode.isArray() || !covNode.isArray()) {
            throw new ArtException("feature statistics file " + file
                    + ": expected arrays \"mean\" and \"cov\", found " + meanNode.getNodeType() + " and "
                    + covNode.getNodeType());
        }
        int d = meanNode.size();
        double[] mean = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = number(file, meanNode.get(i), "mean[" + i + "]");
        }
        if (covNode.size() != d) {
            throw new ArtException("feature statistics file " + file + ": expected " + d
                    + " covariance rows, found " + covNode.size());
        }
        double[][] cov = new double[d][];
        for (int i = 0; i < d; i++) {
            JsonNode row = covNode.get(i);
            if (!row.isArray() || row.size() != d) {
                throw new ArtException("feature statistics file " + file + ": expected cov[" + i
                        + "] to be an array of " + d + " numbers, found "
                        + (row.isArray() ? row.size() + " entries" : row.getNodeType()));
            }
            cov[i] = new double[d];
            for (int j = 0; j < d; j++) {
                cov[i][j] = number(file, row.get(j), "cov[" + i + "][" + j + "]");
            }
        }
        JsonNode dimNode = root.path("dim");
        if (!dimNode.isMissingNode() && dimNode.asInt(-1) != d) {
            throw new ArtException("feature statistics file " + file + ": \"dim\" says " + dimNode.asText()
                    + " but the mean has " + d + " entries");
        }
        JsonNode countNode = root.path("count");
        if (!countNode.canConvertToLong()) {
            throw new ArtException("feature statistics file " + file + ": expected an integer \"count\", found "
                    + countNode.getNodeType());
        }
        return validated(file, mean, cov, countNode.asLong());
    }

    private static double number(Path file, JsonNode node, String what) {
        if (node == null || !node.isNumber()) {
            throw new ArtException("feature statistics file " + file + ": expected a number at " + what + ", found "
                    + (node == null ? "nothing" : node.getNodeType()));
        }
        return node.asDouble();
    }
}
