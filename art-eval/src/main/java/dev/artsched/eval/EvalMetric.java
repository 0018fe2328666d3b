package dev.artsched.eval;

import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/** A per-schedule quality number (lower is better) computed with one solver, such as ref-rmse or FID. */
public interface EvalMetric {

    /** The metric id, e.g. {@code ref-rmse} or {@code fid}. */
    String id();

    /** The solver the schedules are run with. */
    Solver solver();

    /** Sampler steps (summed over batches) that {@link #evaluate} reports for the grid itself. */
    long work(Schedule schedule);

    /**
     * Extra sampler steps the first evaluation of a grid starting at {@code sigmaMax} spends on reference
     * solutions (0 when none are needed or they are cached).
     */
    long referenceWork(double sigmaMax);

    /** Evaluates one grid; {@code listener} receives one callback per sampler step and batch. */
    double evaluate(Schedule schedule, StepListener listener);

    /**
     * The metric of final samples that started from the shared noises at {@code sigmaMax} (for samplers that do not
     * follow one grid, such as an adaptive scheduler).
     */
    double evaluateSamples(float[] samples, double sigmaMax, StepListener listener);

    /** The shared noises and reference solutions this metric compares against. */
    ReferenceSolutions references();
}
