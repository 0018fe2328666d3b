package dev.artsched.training.run;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How one ART-RL run is hosted: where checkpoints and JSON-lines metrics go, whether to resume, and who listens
 * (a progress display is a listener).
 *
 * @param checkpoint checkpoint file, or null for none
 * @param resume     continue from {@code checkpoint} if it exists
 * @param metrics    JSON-lines metrics file, or null for none
 * @param listener   per-iteration observer
 */
public record TrainingRun(Path checkpoint, boolean resume, Path metrics, TrainingListener listener) {

    /** Validates. */
    public TrainingRun {
        listener = listener == null ? TrainingListener.NONE : listener;
        if (resume) {
            Objects.requireNonNull(checkpoint, "resume needs a checkpoint path");
        }
    }

    /** No checkpoint, no metrics, no listener. */
    public static TrainingRun quiet() {
        return new TrainingRun(null, false, null, TrainingListener.NONE);
    }
}
