package dev.artsched.training.nn;

import ai.djl.ndarray.NDArray;

/**
 * Writes values into network parameters without DJL's {@code NDArray.set(Buffer)}, whose native side enters
 * PyTorch's deprecated {@code AutoNonVariableTypeMode} and makes PyTorch print a deprecation warning on stderr at
 * the first update of every run. A fresh tensor holding the values replaces the parameter's native handle
 * ({@link NDArray#intern}), keeping its gradient flag; the Java object the block and the optimiser hold is the same.
 * The replacement is a native copy: an array made from a Java buffer may point into that buffer, which the
 * interned handle would outlive.
 */
final class DjlArrays {
    private DjlArrays() {
    }

    /** Replaces the contents of {@code target} with {@code values} (same number of elements, row-major). */
    static void overwrite(NDArray target, double[] values) {
        boolean grad = target.hasGradient();
        NDArray fresh;
        // create() may wrap a Java-owned direct buffer; the clone owns its native memory, which interning needs
        try (NDArray view = target.getManager().create(values, target.getShape())) {
            fresh = view.duplicate();
        }
        if (grad) {
            fresh.setRequiresGradient(true);
        }
        target.intern(fresh);
    }
}
