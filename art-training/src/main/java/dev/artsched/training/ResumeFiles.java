package dev.artsched.training;

import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.run.Checkpoint;
import dev.artsched.training.run.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The files of a resumable training run: default names next to the output, and their preparation. */
final class ResumeFiles {
    private ResumeFiles() {
    }

    /** {@code file} without a {@code .json} suffix, plus {@code suffix}, in the same folder. */
    static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName().toString().replaceAll("\\.json$", "") + suffix);
    }

    /** ART-RL: a resumed run clears a killed run's temporaries and checks the checkpoint; a fresh one drops old metrics. */
    static void prepareArtRl(boolean resume, Path ck, Path met, Path out, TrainingListener l) {
        if (resume) {
            if (clearForResume(l, ck, met, out)) {
                Checkpoint.read(ck);
            }
            return;
        }
        try {
            Files.deleteIfExists(met);
        } catch (IOException e) {
            throw new ArtException("cannot remove the previous run's metrics " + met + ": " + e.getMessage(), e);
        }
    }

    /**
     * GITS, refine and PPO (one checkpoint file each): a resumed run clears a killed run's temporaries and notes a
     * missing checkpoint; returns the checkpoint.
     */
    static Path prepareCheckpoint(boolean resume, Path ck, Path out, TrainingListener l) {
        if (resume) {
            clearForResume(l, ck, out);
        }
        return ck;
    }

    /**
     * Removes the hidden temporaries a run killed mid-write left beside the checkpoint {@code files[0]} and the
     * other files (this run is their only writer) and notes a missing checkpoint; whether the checkpoint exists.
     */
    private static boolean clearForResume(TrainingListener l, Path... files) {
        try {
            for (Path p : files) {
                AtomicFiles.removeTemporaries(p);
            }
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
        if (!Files.exists(files[0])) {
            l.onNote("no checkpoint at " + files[0] + ", starting a fresh run");
            return false;
        }
        return true;
    }
}
