package dev.artsched.training.run;

/**
 * Observes a training run: one call per ART-RL iteration, one per checkpoint written, progress of the other grid
 * methods, and notes for the user.
 */
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

    /** Called as a grid method other than ART-RL advances: {@code done} of {@code total} units of {@code phase}. */
    default void onProgress(String phase, long done, long total) {
    }

    /** A progress callback for reference rollouts on a grid of {@code fineSteps} steps (fine-grid points done). */
    default java.util.function.IntConsumer rolloutProgress(int fineSteps) {
        return done -> onProgress("reference rollouts", done, fineSteps + 1L);
    }

    /** Called with a one-line note for the user (for example: no checkpoint to resume, starting afresh). */
    default void onNote(String message) {
    }

    /** Called with a short live status of the current phase (for example the PPO reward), shown beside its bar. */
    default void onStatus(String status) {
    }
}
