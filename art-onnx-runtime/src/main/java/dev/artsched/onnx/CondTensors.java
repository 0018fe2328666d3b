package dev.artsched.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.sampling.conditional.Half;
import dev.artsched.scheduler.ArtException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds the tensor of one conditioning input for one run from rows of a bound conditioning table. */
final class CondTensors {
    private CondTensors() {
    }

    /**
     * The tensor for samples [start, start + m) of a run of {@code slotBatch} (a fixed-batch graph's padding
     * repeats the last row); an input shared by the batch gets the row of sample {@code start} alone.
     */
    static OnnxTensor create(OrtEnvironment env, OrtLayout.CondPort port, Conditioning.Array a, int[] rows,
                             int start, int m, int slotBatch, String label) {
        boolean batched = port.spec().batched();
        int n = batched ? slotBatch : 1;
        long[] row = a.rowShape();
        long[] shape;
        if (batched || port.leadingOne()) {
            shape = new long[row.length + 1];
            shape[0] = n;
            System.arraycopy(row, 0, shape, 1, row.length);
        } else {
            shape = row;
        }
        int per = a.rowSize();
        int width = switch (port.spec().type()) {
            case FLOAT16 -> 2;
            case INT64 -> 8;
            default -> 4;
        };
        long bytes = (long) n * per * width;
        if (bytes > Integer.MAX_VALUE) {
            throw new ArtException("conditioning input '" + port.spec().name() + "' of " + label + ": a run of "
                    + n + " needs " + bytes + " bytes, expected at most 2^31 - 1 (use a smaller batch)");
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        for (int b = 0; b < n; b++) {
            int r = rows[start + Math.min(b, m - 1)];
            int from = r * per;
            for (int j = 0; j < per; j++) {
                switch (port.spec().type()) {
                    case FLOAT32 -> buf.putFloat(a.floats()[from + j]);
                    case FLOAT16 -> buf.putShort(Half.fromFloat(a.floats()[from + j]));
                    case INT64 -> buf.putLong(a.longs()[from + j]);
                    case INT32 -> buf.putInt((int) a.longs()[from + j]);
                }
            }
        }
        buf.rewind();
        OnnxJavaType type = switch (port.spec().type()) {
            case FLOAT32 -> OnnxJavaType.FLOAT;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
        };
        try {
            return OnnxTensor.createTensor(env, buf, shape, type);
        } catch (OrtException e) {
            throw new ArtException("conditioning input '" + port.spec().name() + "' of " + label
                    + ": could not create its tensor (" + OrtErrors.describe(e) + ")", e);
        }
    }
}
