package dev.artsched.training.run;

/** Observes an ART-RL run: one call per iteration and one per checkpoint written. */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {
    };

    /** Called after every iteration. */
    default void onIteration(IterationStats stats) {
    }

    /** Called after a checkpoint was written for {@code iteration} completed iterations. */
    default void onCheckpoint(int iteration, java.nio.file.Path path) {
    }
}
