package dev.artsched.sampling;

/**
 * A denoiser that also returns a forward-mode Jacobian-vector product:
 * {@code denoisedTangent = J_x D . xTangent + dD/dsigma . sigmaTangent}. ART's acceleration term
 * Q = (J_x D . F - dD/dsigma) / sigma is one such product with tangents (F, -1).
 */
public interface JvpDenoiser extends Denoiser {

    /**
     * Evaluates D and its directional derivative in one pass.
     *
     * @param x               {@code batch * sampleSize()} inputs
     * @param sigma           {@code batch} noise levels
     * @param xTangent        {@code batch * sampleSize()} tangent of x
     * @param sigmaTangent    {@code batch} tangents of sigma
     * @param batch           number of samples
     * @param denoised        receives D(x; sigma)
     * @param denoisedTangent receives the JVP
     */
    void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, int batch,
             float[] denoised, float[] denoisedTangent);
}
