package dev.artsched.training.problem;

/**
 * Turns one rollout state into the input vector of the actor and critic networks (docs/MATH.md section 3): for 1-D
 * states (t, x, psi), for high-dimensional states six summary features. Implementations are immutable.
 */
public interface FeatureMap {

    /** Number of features. */
    int size();

    /** Name for provenance ({@code t-x-psi}, {@code summary6}). */
    String id();

    /**
     * Writes the features of sample {@code b} into {@code out[outOffset .. outOffset + size())}.
     *
     * @param t      clock time
     * @param psi    physical time (clipped to [0, T])
     * @param s      queried noise level (clamped to >= sigma_min)
     * @param x      batch states; sample b at {@code b * dim}
     * @param f      batch velocities F
     * @param qNorm  |Q| of sample b under the problem's norm
     * @param b      sample index
     * @param dim    state dimension d
     * @param sigmaMax T
     * @param out    destination
     * @param outOffset first index written
     */
    void compute(double t, double psi, double s, double[] x, double[] f, double qNorm, int b, int dim,
                 double sigmaMax, double[] out, int outOffset);
}
