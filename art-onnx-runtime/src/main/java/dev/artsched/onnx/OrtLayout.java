package dev.artsched.onnx;

import dev.artsched.sampling.conditional.CondSpec;

import java.util.List;

/**
 * The I/O layout a graph's signature check found: the input and output tensors in call order, the graph's fixed
 * batch size (0 when the batch dimension is free) and its conditioning inputs (fed per call from a bound
 * conditioning table; none for an unconditional graph).
 */
record OrtLayout(List<IoSlots.Spec> inputs, List<IoSlots.Spec> outputs, int fixedBatch, List<CondPort> conditioning) {

    /** A conditioning input: what it declares, and whether a shared (unbatched) input has a leading dimension 1. */
    record CondPort(CondSpec spec, boolean leadingOne) {
    }

    OrtLayout(List<IoSlots.Spec> inputs, List<IoSlots.Spec> outputs, int fixedBatch) {
        this(inputs, outputs, fixedBatch, List.of());
    }

    OrtLayout {
        conditioning = List.copyOf(conditioning);
    }

    /** Whether any input is shared by the batch (a run is split where its values change). */
    boolean hasShared() {
        return inputs.stream().anyMatch(IoSlots.Spec::shared)
                || conditioning.stream().anyMatch(c -> !c.spec().batched());
    }

    /** The declared conditioning inputs. */
    List<CondSpec> conditioningSpecs() {
        return conditioning.stream().map(CondPort::spec).toList();
    }
}
