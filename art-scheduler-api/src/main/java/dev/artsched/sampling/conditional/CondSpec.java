package dev.artsched.sampling.conditional;

import dev.artsched.scheduler.ArtException;

import java.util.Arrays;

/**
 * A conditioning input a model declares: its name, element type, the shape of one row (without the batch
 * dimension; a dimension {@code <= 0} accepts any size) and whether it has a batch dimension. An input without one
 * (rank 0, or a leading dimension fixed at 1) is shared by the batch: every sample of one model call must use
 * the same value.
 *
 * @param name     the input's name
 * @param type     its element type
 * @param rowShape the shape of one row
 * @param batched  whether the input has a leading batch dimension
 */
public record CondSpec(String name, CondType type, long[] rowShape, boolean batched) {
    /** Validates and copies. */
    public CondSpec {
        if (name == null || name.isBlank() || type == null || rowShape == null) {
            throw new ArtException("a conditioning input needs a name, a type and a row shape, found " + name + ", "
                    + type + ", " + Arrays.toString(rowShape));
        }
        rowShape = rowShape.clone();
    }

    @Override
    public long[] rowShape() {
        return rowShape.clone();
    }

    /** Whether a row of shape {@code shape} fits this input. */
    public boolean fits(long[] shape) {
        if (shape.length != rowShape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (rowShape[i] > 0 && rowShape[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** As written in messages: {@code class_labels int64 [B]}, {@code guidance float32 [] (shared by the batch)}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(' ').append(type.id()).append(' ');
        sb.append(batched ? shape("B", rowShape) : shape(null, rowShape));
        if (!batched) {
            sb.append(" (shared by the batch)");
        }
        return sb.toString();
    }

    /** {@code [B, 77, 768]} or {@code [77, 768]}; unknown dimensions as {@code ?}. */
    static String shape(String lead, long[] dims) {
        StringBuilder sb = new StringBuilder("[");
        if (lead != null) {
            sb.append(lead);
        }
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 && lead == null ? "" : ", ").append(dims[i] > 0 ? Long.toString(dims[i]) : "?");
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CondSpec s && s.name.equals(name) && s.type == type && s.batched == batched
                && Arrays.equals(s.rowShape, rowShape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(rowShape);
    }

    @Override
    public String toString() {
        return describe();
    }
}
