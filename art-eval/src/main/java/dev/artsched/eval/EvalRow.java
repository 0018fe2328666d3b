package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;

/**
 * One evaluation result: a schedule at a step count, its denoiser cost and the metric value.
 *
 * @param schedule the schedule's label (the spec as given)
 * @param steps    number of steps N
 * @param nfe      denoiser evaluations for the solver
 * @param value    the metric value (lower is better)
 */
public record EvalRow(String schedule, int steps, int nfe, double value) {

    /** Validates. */
    public EvalRow {
        if (schedule == null || schedule.isBlank()) {
            throw new ArtException("an evaluation row needs a schedule label, found none");
        }
        if (steps < 1 || nfe < 1) {
            throw new ArtException("an evaluation row needs steps >= 1 and nfe >= 1, found " + steps + " and " + nfe);
        }
    }
}
