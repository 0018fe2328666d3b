package dev.artsched.eval;

import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/**
 * The {@code ref-rmse} metric: the root-mean-square over M samples of the Euclidean distance
 * |x_N - x_ref| between a schedule's solution and the fine-grid reference solution started from the same
 * initial noise (see {@link ReferenceSolutions}), {@code sqrt(mean_m |x_m - x_ref,m|^2)}. The reference is
 * computed once per sigma_0 and reused across schedules and step counts.
 */
public final class RefRmse implements EvalMetric {
    /** The metric id used on the command line and in reports. */
    public static final String ID = "ref-rmse";
    private final ReferenceSolutions references;
    private final Solver solver;

    /** Evaluates schedules with {@code solver} against {@code references}. */
    public RefRmse(ReferenceSolutions references, Solver solver) {
        if (references == null || solver == null) {
            throw new ArtException("ref-rmse needs reference solutions and a solver, found null");
        }
        this.references = references;
        this.solver = solver;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Solver solver() {
        return solver;
    }

    /** The shared reference solutions. */
    @Override
    public ReferenceSolutions references() {
        return references;
    }

    @Override
    public long work(Schedule schedule) {
        return (long) references.batches() * schedule.steps();
    }

    @Override
    public long referenceWork(double sigmaMax) {
        if (!references.hasReference(sigmaMax)) {
            return (long) references.batches() * references.options().referenceSteps();
        }
        return 0L;
    }

    @Override
    public double evaluate(Schedule schedule, StepListener listener) {
        float[] ref = references.reference(schedule.sigmaMax(), listener);
        float[] x = references.solve(schedule, solver, listener);
        return rms(x, ref, references.denoiser().sampleSize());
    }

    @Override
    public double evaluateSamples(float[] samples, double sigmaMax, StepListener listener) {
        return rms(samples, references.reference(sigmaMax, listener), references.denoiser().sampleSize());
    }

    /** RMS over samples of the per-sample Euclidean distance between two equally sized sample sets. */
    public static double rms(float[] a, float[] b, int sampleSize) {
        if (a.length != b.length || sampleSize < 1 || a.length % sampleSize != 0 || a.length == 0) {
            throw new ArtException("expected two sample sets of equal length, a multiple of " + sampleSize
                    + ", found " + a.length + " and " + b.length);
        }
        double acc = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            acc += d * d;
        }
        return Math.sqrt(acc / (a.length / sampleSize));
    }
}
