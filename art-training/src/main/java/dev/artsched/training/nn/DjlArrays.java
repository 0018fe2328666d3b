package dev.artsched.training.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Writes values into network parameters in place, without DJL's {@code NDArray.set(Buffer)}, whose native side
 * enters PyTorch's deprecated {@code AutoNonVariableTypeMode} and makes PyTorch print a deprecation warning on
 * stderr. The values are copied into the parameter's own storage through an indexed assignment, so the tensor
 * keeps its memory (and so the exact arithmetic of every later step) and its gradient flag.
 */
final class DjlArrays {
    private DjlArrays() {
    }

    /** Replaces the contents of {@code target} with {@code values} (same number of elements, row-major). */
    static void overwrite(NDArray target, double[] values) {
        try (NDArray fresh = target.getManager().create(values, target.getShape())) {
            target.set(new NDIndex("..."), fresh);
        }
    }
}
