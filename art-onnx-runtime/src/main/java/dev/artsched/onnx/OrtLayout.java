package dev.artsched.onnx;

import java.util.List;

/**
 * The I/O layout a graph's signature check found: the input and output tensors in call order and the graph's
 * fixed batch size (0 when the batch dimension is free).
 */
record OrtLayout(List<IoSlots.Spec> inputs, List<IoSlots.Spec> outputs, int fixedBatch) {
}
