package dev.artsched.sampling.conditional;

import dev.artsched.scheduler.ArtException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A conditioning set: M rows of values for named model inputs (one array per input, each [M, ...]). Float arrays
 * are held as {@code float}, integer arrays as {@code long}. Immutable and thread-safe. {@link #bind} checks a set
 * against the inputs a model declares and converts it to the declared types; {@link #concat} appends the rows of
 * another set (the unconditional row of classifier-free guidance).
 */
public final class Conditioning {
    /** The most elements (all arrays together) a set may hold. */
    public static final long MAX_ELEMENTS = 1L << 27;

    /**
     * One named array of M rows.
     *
     * @param name     the input it feeds
     * @param type     element type
     * @param rowShape shape of one row
     * @param floats   the values of a float array (row-major, M rows), else null
     * @param longs    the values of an integer array, else null
     */
    public record Array(String name, CondType type, long[] rowShape, float[] floats, long[] longs) {
        /** Validates (values of the right kind, a whole number of rows). */
        public Array {
            if (name == null || name.isBlank() || type == null || rowShape == null) {
                throw new ArtException("a conditioning array needs a name, a type and a row shape, found '" + name
                        + "', " + type);
            }
            if (type.isFloat() ? floats == null || longs != null : longs == null || floats != null) {
                throw new ArtException("conditioning array '" + name + "' of type " + type + ": expected "
                        + (type.isFloat() ? "float" : "integer") + " values, found "
                        + (floats != null ? "float" : longs != null ? "integer" : "none"));
            }
            rowShape = rowShape.clone();
            long per = 1;
            for (long d : rowShape) {
                if (d < 1) {
                    throw new ArtException("conditioning array '" + name + "': expected dimensions >= 1, found "
                            + Arrays.toString(rowShape));
                }
                per *= d;
            }
            int n = type.isFloat() ? floats.length : longs.length;
            if (per > MAX_ELEMENTS || n % per != 0) {
                throw new ArtException("conditioning array '" + name + "': expected whole rows of "
                        + CondSpec.shape(null, rowShape) + ", found " + n + " values");
            }
        }

        /** A float32 array. */
        public static Array of(String name, long[] rowShape, float[] values) {
            return new Array(name, CondType.FLOAT32, rowShape, values.clone(), null);
        }

        /** An int64 array. */
        public static Array of(String name, long[] rowShape, long[] values) {
            return new Array(name, CondType.INT64, rowShape, null, values.clone());
        }

        @Override
        public long[] rowShape() {
            return rowShape.clone();
        }

        /** Elements of one row. */
        public int rowSize() {
            long n = 1;
            for (long d : rowShape) {
                n *= d;
            }
            return (int) n;
        }

        /** Number of rows M. */
        public int rows() {
            int per = rowSize();
            return (type.isFloat() ? floats.length : longs.length) / per;
        }

        /** Whether rows {@code a} and {@code b} hold the same values. */
        public boolean sameRow(int a, int b) {
            int per = rowSize();
            if (type.isFloat()) {
                return Arrays.equals(floats, a * per, a * per + per, floats, b * per, b * per + per);
            }
            return Arrays.equals(longs, a * per, a * per + per, longs, b * per, b * per + per);
        }

        /** Element {@code j} of row {@code r} as a double. */
        public double value(int r, int j) {
            int i = r * rowSize() + j;
            return type.isFloat() ? floats[i] : longs[i];
        }

        /** The array's shape with M first, e.g. {@code [4, 77, 768]}. */
        public String describeShape() {
            long[] s = new long[rowShape.length + 1];
            s[0] = rows();
            System.arraycopy(rowShape, 0, s, 1, rowShape.length);
            return CondSpec.shape(null, s);
        }
    }

    private final String source;
    private final List<Array> arrays;
    private final int rows;

    private Conditioning(String source, List<Array> arrays) {
        this.source = source;
        this.arrays = List.copyOf(arrays);
        this.rows = arrays.get(0).rows();
    }

    /**
     * A set from arrays of equal row count M >= 1 with distinct names.
     *
     * @param source names the set in messages (e.g. its file)
     */
    public static Conditioning of(String source, List<Array> arrays) {
        String src = source == null ? "the conditioning set" : source;
        if (arrays == null || arrays.isEmpty()) {
            throw new ArtException(src + ": expected at least one conditioning array, found none");
        }
        long total = 0;
        Map<String, Array> byName = new LinkedHashMap<>();
        int m = arrays.get(0).rows();
        for (Array a : arrays) {
            if (byName.put(a.name(), a) != null) {
                throw new ArtException(src + ": expected one array per input, found '" + a.name() + "' twice");
            }
            if (a.rows() != m) {
                throw new ArtException(src + ": expected every array to have the same number of rows M, found "
                        + arrays.get(0).name() + " " + arrays.get(0).describeShape() + " and " + a.name() + " "
                        + a.describeShape());
            }
            total += (long) a.rows() * a.rowSize();
        }
        if (m == 0) {
            throw new ArtException(src + ": expected at least one row, found an empty set (M = 0)");
        }
        if (total > MAX_ELEMENTS) {
            throw new ArtException(src + ": expected at most " + MAX_ELEMENTS + " values, found " + total);
        }
        return new Conditioning(src, arrays);
    }

    /** One int64 label per row for input {@code name} (e.g. {@code class_labels}). */
    public static Conditioning labels(String name, long... labels) {
        return of("labels", List.of(Array.of(name, new long[0], labels)));
    }

    /** Where the set came from (for messages). */
    public String source() {
        return source;
    }

    /** Number of rows M. */
    public int rows() {
        return rows;
    }

    /** The arrays in order. */
    public List<Array> arrays() {
        return arrays;
    }

    /** The names of the arrays in order. */
    public List<String> names() {
        return arrays.stream().map(Array::name).toList();
    }

    /** The array called {@code name}, or null. */
    public Array array(String name) {
        for (Array a : arrays) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Checks this set against the inputs a model declares and returns it in the declared order and types (float32
     * values rounded to float16 for float16 inputs, int64 range-checked for int32 inputs). Fails with one message
     * for an array the model does not declare, an input not supplied (listing what the model declares), a type
     * mismatch or a row-shape mismatch (expected vs found).
     *
     * @param declared the model's conditioning inputs
     * @param model    names the model in messages
     */
    public Conditioning bind(List<CondSpec> declared, String model) {
        List<String> names = declared.stream().map(CondSpec::name).toList();
        String list = String.join(", ", declared.stream().map(CondSpec::describe).toList());
        for (Array a : arrays) {
            if (!names.contains(a.name())) {
                throw new ArtException(source + " has array '" + ArtException.quote(a.name()) + "', which " + model
                        + " does not declare: expected arrays for " + (declared.isEmpty() ? "no inputs (the model is "
                        + "unconditional)" : list));
            }
        }
        List<Array> bound = new ArrayList<>();
        for (CondSpec s : declared) {
            Array a = array(s.name());
            if (a == null) {
                throw new ArtException(model + " needs conditioning input '" + s.name() + "', not supplied by "
                        + source + ": expected arrays for " + list + ", found " + names());
            }
            if (!s.type().accepts(a.type())) {
                throw new ArtException("conditioning input '" + s.name() + "' of " + model + ": expected "
                        + s.type() + ", found " + a.type() + " in " + source);
            }
            if (!s.fits(a.rowShape)) {
                throw new ArtException("conditioning input '" + s.name() + "' of " + model + ": expected rows of shape "
                        + CondSpec.shape(null, s.rowShape()) + " (array [M" + (s.rowShape().length == 0 ? "" : ", ...")
                        + "]), found " + a.name() + " " + a.describeShape() + " in " + source);
            }
            bound.add(convert(a, s.type(), model));
        }
        return new Conditioning(source, bound);
    }

    private Array convert(Array a, CondType to, String model) {
        if (a.type() == to) {
            return a;
        }
        switch (to) {
            case FLOAT32:
                return new Array(a.name(), to, a.rowShape, a.floats(), null);
            case FLOAT16: {
                float[] f = a.floats().clone();
                for (int i = 0; i < f.length; i++) {
                    f[i] = Half.toFloat(Half.fromFloat(f[i]));
                }
                return new Array(a.name(), to, a.rowShape, f, null);
            }
            case INT32:
                for (long v : a.longs()) {
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new ArtException("conditioning input '" + a.name() + "' of " + model
                                + ": expected int32 values, found " + v + " in " + source);
                    }
                }
                return new Array(a.name(), to, a.rowShape, null, a.longs());
            default:
                return new Array(a.name(), to, a.rowShape, null, a.longs());
        }
    }

    /**
     * This set with the rows of {@code other} appended (row {@code rows()} is other's first row); both must hold
     * the same arrays with the same row shapes.
     */
    public Conditioning concat(Conditioning other) {
        if (!names().equals(other.names())) {
            throw new ArtException(other.source + ": expected the arrays of " + source + " " + names() + ", found "
                    + other.names());
        }
        List<Array> out = new ArrayList<>();
        for (int i = 0; i < arrays.size(); i++) {
            Array a = arrays.get(i);
            Array b = other.arrays.get(i);
            if (!Arrays.equals(a.rowShape, b.rowShape) || a.type().isFloat() != b.type().isFloat()) {
                throw new ArtException(other.source + ": array '" + b.name() + "' expected " + a.type() + " rows "
                        + CondSpec.shape(null, a.rowShape) + " like " + source + ", found " + b.type() + " rows "
                        + CondSpec.shape(null, b.rowShape));
            }
            if (a.type().isFloat()) {
                float[] v = Arrays.copyOf(a.floats(), a.floats().length + b.floats().length);
                System.arraycopy(b.floats(), 0, v, a.floats().length, b.floats().length);
                out.add(new Array(a.name(), a.type(), a.rowShape, v, null));
            } else {
                long[] v = Arrays.copyOf(a.longs(), a.longs().length + b.longs().length);
                System.arraycopy(b.longs(), 0, v, a.longs().length, b.longs().length);
                out.add(new Array(a.name(), a.type(), a.rowShape, null, v));
            }
        }
        return Conditioning.of(source + " + " + other.source, out);
    }

    /**
     * The row order of a run: a permutation of 0..m-1 drawn from {@code seed} (Fisher-Yates over
     * {@link SplittableRandom}); sample b of a batch gets row {@code permutation[b mod m]}.
     */
    public static int[] permutation(int m, long seed) {
        if (m < 1) {
            throw new ArtException("expected at least one conditioning row, found an empty set (M = " + m + ")");
        }
        int[] p = new int[m];
        for (int i = 0; i < m; i++) {
            p[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed ^ 0x436F6E64L);
        for (int i = m - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public String toString() {
        return "Conditioning[" + source + ", M = " + rows + ", " + names() + "]";
    }
}
