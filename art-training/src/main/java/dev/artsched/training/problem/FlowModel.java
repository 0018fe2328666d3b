package dev.artsched.training.problem;

/**
 * The probability-flow field of a denoiser as ART sees it: for states x at noise levels s it returns the
 * velocity F = (D(x; s) - x) / s and the acceleration Q = jvp(D, (x, s), (F, -1)) / s (docs/MATH.md section 2), in
 * double precision. Implementations count the model calls they make and reject non-finite model outputs with
 * an {@link dev.artsched.scheduler.ArtException}. Not required to be thread-safe.
 */
public interface FlowModel {

    /** Number of elements d of one state. */
    int dim();

    /**
     * Evaluates F and Q for a batch.
     *
     * @param x     {@code batch * dim()} states
     * @param sigma {@code batch} noise levels, each > 0 (already clamped to sigma_min by the caller)
     * @param batch number of states
     * @param f     receives F, {@code batch * dim()}
     * @param q     receives Q, {@code batch * dim()}
     */
    void evaluate(double[] x, double[] sigma, int batch, double[] f, double[] q);

    /** Denoiser evaluations made so far (a batched call counts once; a JVP call counts once). */
    long calls();

    /** How Q is obtained, for provenance: {@code exact}, {@code onnx-jvp} or {@code finite-difference}. */
    String jvpStrategy();

    /** The model's own sigma_min metadata, if any. */
    default java.util.OptionalDouble sigmaMin() {
        return java.util.OptionalDouble.empty();
    }

    /** The model's own sigma_max metadata, if any. */
    default java.util.OptionalDouble sigmaMax() {
        return java.util.OptionalDouble.empty();
    }
}
