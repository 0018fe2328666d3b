package dev.artsched.training;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How one ART-RL run is hosted: where checkpoints and JSON-lines metrics go, whether to resume, whether to draw
 * a progress bar on stderr, and who listens.
 *
 * @param checkpoint checkpoint file, or null for none
 * @param resume     continue from {@code checkpoint} if it exists
 * @param metrics    JSON-lines metrics file, or null for none
 * @param progress   draw a progress bar on stderr
 * @param listener   per-iteration observer
 */
public record TrainingRun(Path checkpoint, boolean resume, Path metrics, boolean progress,
                          TrainingListener listener) {

    /** Validates. */
    public TrainingRun {
        listener = listener == null ? TrainingListener.NONE : listener;
        if (resume) {
            Objects.requireNonNull(checkpoint, "resume needs a checkpoint path");
        }
    }

    /** No checkpoint, no metrics, no progress bar. */
    public static TrainingRun quiet() {
        return new TrainingRun(null, false, null, false, TrainingListener.NONE);
    }
}
