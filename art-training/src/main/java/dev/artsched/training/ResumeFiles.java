package dev.artsched.training;

import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.run.Checkpoint;
import dev.artsched.training.run.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        try {
            if (resume) {
                // a run killed mid-write leaves hidden temporary siblings; this run is their only writer
                for (Path p : List.of(ck, met, out)) {
                    AtomicFiles.removeTemporaries(p);
                }
                if (!Files.exists(ck)) {
                    l.onNote("no checkpoint at " + ck + ", starting a fresh run");
                } else {
                    Checkpoint.read(ck);
                }
            } else if (Files.exists(met)) {
                Files.delete(met);
            }
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ArtException("cannot remove the previous run's metrics " + met + ": " + e.getMessage(), e);
        }
    }

    /** Refine: a resumed run clears a killed run's temporaries and notes a missing checkpoint; returns it. */
    static Path prepareRefine(boolean resume, Path ck, Path out, TrainingListener l) {
        if (resume) {
            try {
                for (Path p : List.of(ck, out)) {
                    AtomicFiles.removeTemporaries(p);
                }
            } catch (UncheckedIOException e) {
                throw new ArtException(e.getMessage(), e);
            }
            if (!Files.exists(ck)) {
                l.onNote("no checkpoint at " + ck + ", starting a fresh run");
            }
        }
        return ck;
    }
}
