package dev.artsched.sampling;

import dev.artsched.scheduler.Solver;

/** The reference samplers by solver: stateless, thread-safe {@link EulerSampler} and {@link HeunSampler}. */
public final class Samplers {
    private Samplers() {
    }

    /** The reference sampler for a solver. */
    public static Sampler of(Solver solver) {
        return solver == Solver.EULER ? new EulerSampler() : new HeunSampler();
    }
}
