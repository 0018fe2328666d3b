package dev.artsched.training.nn;

import java.util.List;

/**
 * A first-order optimiser over a network's parameter arrays whose complete state can be exported for a
 * checkpoint and restored exactly. Each {@link #step(List)} reads the arrays' gradients (left by a DJL
 * {@code GradientCollector}) and updates the arrays in place; a non-finite gradient or parameter stops
 * training with an {@link dev.artsched.scheduler.ArtException}.
 */
public interface Optimiser {

    /** Applies one update to every array in {@code parameters} (same order every call). */
    void step(List<ai.djl.ndarray.NDArray> parameters);

    /** Name and hyperparameters for provenance. */
    java.util.Map<String, Object> describe();

    /** The full state (step counts, moments) as arrays. */
    double[][] exportState();

    /** Restores a state from {@link #exportState()}. */
    void importState(double[][] state);
}
