package dev.artsched.sampling.conditional;

import dev.artsched.scheduler.ArtException;

/** Element type of a conditioning input: float32, float16, int64 or int32. */
public enum CondType {
    /** IEEE single precision. */
    FLOAT32("float32"),
    /** IEEE half precision (values are held as float and rounded when fed). */
    FLOAT16("float16"),
    /** 64-bit signed integers. */
    INT64("int64"),
    /** 32-bit signed integers. */
    INT32("int32");

    private final String id;

    CondType(String id) {
        this.id = id;
    }

    /** The name used in messages ({@code float32}, ...). */
    public String id() {
        return id;
    }

    /** Whether values are floating point (held as {@code float}); integers are held as {@code long}. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT16;
    }

    /** Whether a value of type {@code found} can feed an input of this type (float from float, integer from integer). */
    public boolean accepts(CondType found) {
        return isFloat() == found.isFloat();
    }

    /** Parses {@code float32 | float16 | int64 | int32}. */
    public static CondType parse(String text) {
        for (CondType t : values()) {
            if (t.id.equals(text)) {
                return t;
            }
        }
        throw new ArtException("expected a conditioning type float32, float16, int64 or int32, found '"
                + ArtException.quote(text) + "'");
    }

    @Override
    public String toString() {
        return id;
    }
}
