package dev.artsched.training.gits;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A GITS run's checkpoint, written atomically after every source row of the cost matrix: the rows done (row i
 * holds c[i][i+1..M]) and what they depend on (teacher grid, warm-up noises, target solver, and a checksum of
 * the teacher states, which a resumed run recomputes deterministically). The cost matrix does not depend on N or
 * the coefficient, so a resumed run may ask for another N.
 *
 * @param teacherSteps M
 * @param substeps     teacher sub-steps
 * @param warmup       warm-up noises
 * @param seed         their seed
 * @param solver       the target solver's id
 * @param sigmaMax     the teacher grid's first sigma
 * @param sigmaMin     its last positive sigma
 * @param teacherSum   the sum of the teacher's final states (a check that the model is the same)
 * @param rows         the cost rows done
 */
public record GitsState(int teacherSteps, int substeps, int warmup, long seed, String solver, double sigmaMax,
                        double sigmaMin, double teacherSum, double[][] rows) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The same run with these cost rows done. */
    GitsState withRows(double[][] done) {
        return new GitsState(teacherSteps, substeps, warmup, seed, solver, sigmaMax, sigmaMin, teacherSum, done);
    }

    /** Writes the checkpoint atomically. */
    void write(Path file) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(this), "GITS checkpoint");
        } catch (IOException e) {
            throw new ArtException("cannot encode the GITS checkpoint: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    /** Reads a checkpoint and checks it belongs to a run with {@code expected}'s settings (rows aside). */
    static GitsState read(Path file, GitsState expected) {
        GitsState s;
        try {
            s = JSON.readValue(Files.readAllBytes(file), GitsState.class);
        } catch (IOException e) {
            throw new ArtException("cannot read the GITS checkpoint " + file + ": " + e.getMessage(), e);
        }
        String found = s.describe();
        String want = expected.describe();
        if (!found.equals(want)) {
            throw new ArtException("the GITS checkpoint " + file + " is for " + found + "; expected " + want
                    + " (delete it or start a fresh run)");
        }
        if (s.rows == null || s.rows.length > s.teacherSteps) {
            throw new ArtException("the GITS checkpoint " + file + " holds " + (s.rows == null ? "no" : s.rows.length)
                    + " cost rows; expected 0.." + s.teacherSteps);
        }
        for (int i = 0; i < s.rows.length; i++) {
            if (s.rows[i] == null || s.rows[i].length != s.teacherSteps - i) {
                throw new ArtException("the GITS checkpoint " + file + " has a cost row " + i + " of the wrong length: "
                        + "expected " + (s.teacherSteps - i) + " values");
            }
        }
        if (Math.abs(s.teacherSum - expected.teacherSum) > 1e-9 * Math.max(1, Math.abs(expected.teacherSum))) {
            throw new ArtException("the GITS checkpoint " + file + " was made with another model (teacher checksum "
                    + s.teacherSum + ", this model " + expected.teacherSum + "); delete it or start a fresh run");
        }
        return s;
    }

    private String describe() {
        return "M = " + teacherSteps + ", " + substeps + " sub-steps, " + warmup + " warm-up noises, seed " + seed
                + ", " + solver + ", sigma " + sigmaMax + ".." + sigmaMin;
    }
}
