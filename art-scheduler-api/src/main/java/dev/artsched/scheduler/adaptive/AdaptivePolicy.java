package dev.artsched.scheduler.adaptive;

/**
 * Proposes, for each sample of a batch, the decrement of the normalised noise level t ({@link NoiseLevelMap}) from
 * the current sample. A proposal is raw: the {@link AdaptiveScheduler} clamps it, forces the final step to
 * sigma = 0 when the NFE budget requires it and checks monotonicity. Implementations are thread-safe (a policy
 * holding native resources documents its closing).
 */
public interface AdaptivePolicy {

    /** The spec this policy was created from, e.g. {@code onnx:path=policy.onnx}. */
    String name();

    /** The map between t and sigma this policy was trained on. */
    NoiseLevelMap map();

    /** Floats per sample the policy accepts, or -1 if any size is accepted. */
    int sampleSize();

    /**
     * Writes the proposed decrements of t.
     *
     * @param x     {@code batch * sampleSize} current samples (not modified)
     * @param sigma {@code batch} current noise levels
     * @param step  {@code batch} step indices (0 for the first step)
     * @param batch number of samples, >= 1
     * @param out   receives {@code batch} proposed decrements of t (ideally in [0, 1])
     */
    void decrements(float[] x, double[] sigma, int[] step, int batch, double[] out);
}
