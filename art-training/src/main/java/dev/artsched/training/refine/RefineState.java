package dev.artsched.training.refine;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A refine run's checkpoint, written atomically after every iteration: the chosen start, the logits and Adam's
 * moments, the best grid so far and the minibatch generator, so an interrupted run continues where it stopped.
 *
 * @param steps         N
 * @param solver        the solver id
 * @param seed          the noises' seed
 * @param start         the start's label
 * @param startValid    the start's validation loss
 * @param startLosses   every start's validation loss
 * @param a             the logits
 * @param m1            Adam's first moments
 * @param m2            Adam's second moments
 * @param iteration     iterations done
 * @param since         iterations since the last validation improvement
 * @param bestValid     the best validation loss
 * @param bestSigmas    the best grid
 * @param bestIteration the iteration that found it
 * @param pick          the minibatch generator's state
 */
public record RefineState(int steps, String solver, long seed, String start, double startValid,
                          Map<String, Double> startLosses, double[] a, double[] m1, double[] m2, int iteration,
                          int since, double bestValid, double[] bestSigmas, int bestIteration, long pick) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes the checkpoint atomically. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(this), "refine checkpoint");
        } catch (IOException e) {
            throw new ArtException("cannot encode the refine checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint, checking it belongs to this run (same N, solver and seed). */
    public static RefineState read(Path file, int steps, String solver, long seed) {
        RefineState s;
        try {
            s = JSON.readValue(Files.readAllBytes(file), RefineState.class);
        } catch (IOException e) {
            throw new ArtException("cannot read the refine checkpoint " + file + ": " + e.getMessage(), e);
        }
        if (s.steps != steps || !s.solver.equals(solver) || s.seed != seed) {
            throw new ArtException("the refine checkpoint " + file + " is for N = " + s.steps + ", " + s.solver
                    + ", seed " + s.seed + "; expected N = " + steps + ", " + solver + ", seed " + seed);
        }
        return s;
    }
}
