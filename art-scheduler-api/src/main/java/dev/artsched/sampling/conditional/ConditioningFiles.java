package dev.artsched.sampling.conditional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.scheduler.ArtException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads conditioning sets from files:
 * <ul>
 *   <li>NumPy {@code .npz} (what {@code numpy.savez} / {@code savez_compressed} write: a zip of {@code NAME.npy}
 *   entries, stored or deflated): one array per input name, each [M, ...];</li>
 *   <li>a single NumPy {@code .npy} array [M, ...], named after the file (its name without {@code .npy});</li>
 *   <li>JSON: an object mapping each input name to a (nested) list whose first level is the M rows, e.g.
 *   {@code {"class_labels": [0, 3, 7]}} (int64 [3]) or {@code {"y": [[0.5, 1.0], [0.0, 2.0]]}}; a list holding
 *   only integer literals gives int64, otherwise float32.</li>
 * </ul>
 * NumPy arrays must be little-endian {@code <f4}, {@code <f2}, {@code <i8} or {@code <i4} in C order. Sizes are
 * capped at {@link Conditioning#MAX_ELEMENTS} values; every problem is one {@link ArtException} naming the file.
 */
public final class ConditioningFiles {
    /** The largest JSON file read. */
    public static final long MAX_JSON_BYTES = 64L << 20;
    /** The most arrays in one {@code .npz}. */
    public static final int MAX_ARRAYS = 256;
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private ConditioningFiles() {
    }

    /** Reads {@code file} by its kind ({@code .npz}, {@code .npy} or JSON, recognised by its first bytes). */
    public static Conditioning read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new ArtException("conditioning file " + file + ": expected a .npz, .npy or .json file, found "
                    + (file != null && Files.isDirectory(file) ? "a directory" : "no such file"));
        }
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ArtException("conditioning file " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        String label = file.toString();
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return readNpz(file);
        }
        if (n == 6 && java.util.Arrays.equals(head, NPY_MAGIC)) {
            String stem = file.getFileName().toString().replaceFirst("\\.npy$", "");
            try (InputStream in = Files.newInputStream(file)) {
                return Conditioning.of(label, List.of(readNpy(in, stem, label)));
            } catch (IOException e) {
                throw new ArtException("conditioning file " + file + ": cannot read it (" + e.getMessage() + ")", e);
            }
        }
        return readJson(file);
    }

    /** Reads a NumPy {@code .npz} archive (stored or deflated entries). */
    public static Conditioning readNpz(Path file) {
        String label = file.toString();
        List<Conditioning.Array> arrays = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (arrays.size() >= MAX_ARRAYS) {
                    throw new ArtException("conditioning file " + label + ": expected at most " + MAX_ARRAYS
                            + " arrays, found more");
                }
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new ArtException("conditioning file " + label + ": expected NAME.npy entries (a numpy "
                            + ".npz), found '" + ArtException.quote(name) + "'");
                }
                try (InputStream in = zip.getInputStream(e)) {
                    arrays.add(readNpy(in, name.substring(0, name.length() - 4), label));
                }
            }
        } catch (ZipException e) {
            throw new ArtException("conditioning file " + label + ": expected a numpy .npz (zip) archive, found a "
                    + "corrupt one (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new ArtException("conditioning file " + label + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (arrays.isEmpty()) {
            throw new ArtException("conditioning file " + label + ": expected at least one array, found an empty "
                    + "archive (M = 0)");
        }
        return Conditioning.of(label, arrays);
    }

    /**
     * Reads one {@code .npy} array from a stream: format 1.0, 2.0 or 3.0, little-endian f4/f2/i8/i4, C order, rank
     * >= 1 (the first dimension is M).
     */
    public static Conditioning.Array readNpy(InputStream in, String name, String label) throws IOException {
        String where = "conditioning file " + label + ", array '" + ArtException.quote(name) + "'";
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !java.util.Arrays.equals(magic, 0, 6, NPY_MAGIC, 0, 6)) {
            throw new ArtException(where + ": expected a .npy array (magic \\x93NUMPY), found other data");
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] b = in.readNBytes(2);
            headerLen = b.length < 2 ? -1 : (b[0] & 0xff) | (b[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] b = in.readNBytes(4);
            headerLen = b.length < 4 ? -1 : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        } else {
            throw new ArtException(where + ": expected .npy format version 1, 2 or 3, found " + major);
        }
        if (headerLen < 0 || headerLen > 1 << 16) {
            throw new ArtException(where + ": expected a header of at most 65536 bytes, found " + headerLen);
        }
        byte[] hb = in.readNBytes(headerLen);
        if (hb.length < headerLen) {
            throw new ArtException(where + ": expected a " + headerLen + "-byte header, found a truncated file");
        }
        String header = new String(hb, major == 3 ? java.nio.charset.StandardCharsets.UTF_8
                : java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new ArtException(where + ": expected a header with descr, fortran_order and shape, found '"
                    + ArtException.quote(header.trim()) + "'");
        }
        if (f.group(1).equals("True")) {
            throw new ArtException(where + ": expected C order, found fortran_order True (save a "
                    + "numpy.ascontiguousarray)");
        }
        String descr = d.group(1);
        CondType type;
        int width;
        switch (descr) {
            case "<f4" -> {
                type = CondType.FLOAT32;
                width = 4;
            }
            case "<f2" -> {
                type = CondType.FLOAT16;
                width = 2;
            }
            case "<i8" -> {
                type = CondType.INT64;
                width = 8;
            }
            case "<i4" -> {
                type = CondType.INT32;
                width = 4;
            }
            default -> throw new ArtException(where + ": expected dtype <f4, <f2, <i8 or <i4 (little-endian "
                    + "float32, float16, int64, int32), found '" + ArtException.quote(descr) + "'");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                try {
                    dims.add(Long.parseLong(part.trim().replaceFirst("L$", "")));
                } catch (NumberFormatException e) {
                    throw new ArtException(where + ": expected integer dimensions, found shape ("
                            + ArtException.quote(s.group(1)) + ")");
                }
            }
        }
        if (dims.isEmpty()) {
            throw new ArtException(where + ": expected an array [M, ...] with one row per conditioning, found a "
                    + "scalar (shape ())");
        }
        long total = 1;
        for (long v : dims) {
            if (v < 0) {
                throw new ArtException(where + ": expected dimensions >= 0, found " + dims);
            }
            total *= v;
            if (total > Conditioning.MAX_ELEMENTS) {
                throw new ArtException(where + ": expected at most " + Conditioning.MAX_ELEMENTS + " values, found "
                        + "shape " + dims);
            }
        }
        if (dims.get(0) == 0) {
            throw new ArtException(where + ": expected at least one row, found an empty set (M = 0, shape " + dims
                    + ")");
        }
        int n = (int) total;
        byte[] data = in.readNBytes(n * width);
        if (data.length < n * width) {
            throw new ArtException(where + ": expected " + (long) n * width + " bytes of data for shape " + dims
                    + ", found " + data.length + " (truncated)");
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long[] rowShape = new long[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            rowShape[i - 1] = dims.get(i);
        }
        if (type.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = type == CondType.FLOAT32 ? buf.getFloat() : Half.toFloat(buf.getShort());
            }
            return new Conditioning.Array(name, type, rowShape, v, null);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = type == CondType.INT64 ? buf.getLong() : buf.getInt();
        }
        return new Conditioning.Array(name, type, rowShape, null, v);
    }

    /** Reads the JSON form ({@code {"name": [rows...], ...}}). */
    public static Conditioning readJson(Path file) {
        String label = file.toString();
        JsonNode root;
        try {
            if (Files.size(file) > MAX_JSON_BYTES) {
                throw new ArtException("conditioning file " + label + ": expected at most " + MAX_JSON_BYTES
                        + " bytes of JSON, found " + Files.size(file));
            }
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ArtException("conditioning file " + label + ": expected a .npz, .npy or JSON object like "
                    + "{\"class_labels\": [0, 1]}, found unreadable content (" + oneLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new ArtException("conditioning file " + label + ": expected a JSON object mapping input names to "
                    + "lists of rows, like {\"class_labels\": [0, 1]}, found " + (root == null ? "nothing"
                    : root.isObject() ? "an empty object" : root.getNodeType().toString().toLowerCase()));
        }
        List<Conditioning.Array> arrays = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = root.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            arrays.add(jsonArray(e.getKey(), e.getValue(), label));
        }
        return Conditioning.of(label, arrays);
    }

    private static Conditioning.Array jsonArray(String name, JsonNode node, String label) {
        String where = "conditioning file " + label + ", input '" + ArtException.quote(name) + "'";
        if (!node.isArray()) {
            throw new ArtException(where + ": expected a list of rows, found " + node.getNodeType().toString()
                    .toLowerCase());
        }
        if (node.isEmpty()) {
            throw new ArtException(where + ": expected at least one row, found an empty set (M = 0)");
        }
        List<Long> shape = new ArrayList<>();
        for (JsonNode n = node; n.isArray(); n = n.get(0)) {
            if (n.isEmpty()) {
                throw new ArtException(where + ": expected non-empty lists, found []");
            }
            shape.add((long) n.size());
        }
        List<JsonNode> leaves = new ArrayList<>();
        collect(node, shape, 0, leaves, where);
        boolean integral = leaves.stream().allMatch(JsonNode::isIntegralNumber);
        long[] rowShape = new long[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
            rowShape[i - 1] = shape.get(i);
        }
        if (integral) {
            long[] v = new long[leaves.size()];
            for (int i = 0; i < v.length; i++) {
                if (!leaves.get(i).canConvertToLong()) {
                    throw new ArtException(where + ": expected 64-bit integers, found " + leaves.get(i));
                }
                v[i] = leaves.get(i).asLong();
            }
            return new Conditioning.Array(name, CondType.INT64, rowShape, null, v);
        }
        float[] v = new float[leaves.size()];
        for (int i = 0; i < v.length; i++) {
            double x = leaves.get(i).asDouble();
            if (!Double.isFinite(x) || Math.abs(x) > Float.MAX_VALUE) {
                throw new ArtException(where + ": expected finite float32 values, found " + leaves.get(i));
            }
            v[i] = (float) x;
        }
        return new Conditioning.Array(name, CondType.FLOAT32, rowShape, v, null);
    }

    private static void collect(JsonNode n, List<Long> shape, int depth, List<JsonNode> out, String where) {
        if (depth == shape.size()) {
            if (!n.isNumber()) {
                throw new ArtException(where + ": expected numbers in a rectangular nested list of shape " + shape
                        + ", found " + (n.isArray() ? "a deeper list" : n.getNodeType().toString().toLowerCase()));
            }
            if (out.size() >= Conditioning.MAX_ELEMENTS) {
                throw new ArtException(where + ": expected at most " + Conditioning.MAX_ELEMENTS + " values");
            }
            out.add(n);
            return;
        }
        if (!n.isArray() || n.size() != shape.get(depth)) {
            throw new ArtException(where + ": expected a rectangular nested list of shape " + shape + ", found a "
                    + (n.isArray() ? "list of " + n.size() : n.getNodeType().toString().toLowerCase()) + " at depth "
                    + depth);
        }
        for (JsonNode c : n) {
            collect(c, shape, depth + 1, out, where);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : ArtException.quote(s.replaceAll("\\s+", " "));
    }

    /** Writes a little-endian {@code .npy} (format 1.0) of an array with M first; for tests and tools. */
    public static byte[] npy(Conditioning.Array a) {
        String descr = switch (a.type()) {
            case FLOAT32 -> "<f4";
            case FLOAT16 -> "<f2";
            case INT64 -> "<i8";
            case INT32 -> "<i4";
        };
        StringBuilder shape = new StringBuilder().append(a.rows());
        for (long d : a.rowShape()) {
            shape.append(", ").append(d);
        }
        if (a.rowShape().length == 0) {
            shape.append(',');
        }
        String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int pad = 64 - (10 + h.length() + 1) % 64;
        h = h + " ".repeat(pad % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(NPY_MAGIC);
        out.write(1);
        out.write(0);
        out.write(h.length() & 0xff);
        out.write(h.length() >>> 8);
        out.writeBytes(h.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        int n = a.type().isFloat() ? a.floats().length : a.longs().length;
        int width = a.type() == CondType.FLOAT16 ? 2 : a.type() == CondType.INT64 ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (a.type()) {
                case FLOAT32 -> b.putFloat(a.floats()[i]);
                case FLOAT16 -> b.putShort(Half.fromFloat(a.floats()[i]));
                case INT64 -> b.putLong(a.longs()[i]);
                case INT32 -> b.putInt((int) a.longs()[i]);
            }
        }
        out.writeBytes(b.array());
        return out.toByteArray();
    }
}
