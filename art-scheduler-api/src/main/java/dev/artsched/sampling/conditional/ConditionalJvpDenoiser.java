package dev.artsched.sampling.conditional;

/**
 * A {@link ConditionalDenoiser} with a forward-mode Jacobian-vector product in (x, sigma) at fixed conditioning:
 * {@code denoisedTangent = J_x D . xTangent + dD/dsigma . sigmaTangent}.
 */
public interface ConditionalJvpDenoiser extends ConditionalDenoiser {

    /**
     * Evaluates D and its directional derivative in one pass; arguments as in
     * {@link ConditionalDenoiser#denoise} and {@link dev.artsched.sampling.JvpDenoiser#jvp}.
     */
    void jvp(float[] x, float[] sigma, float[] xTangent, float[] sigmaTangent, Conditioning table, int[] rows,
             int batch, float[] denoised, float[] denoisedTangent);
}
