package dev.artsched.training.problem;

import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A {@link FlowModel} over any float32 {@link JvpDenoiser} (an ONNX JVP graph, finite differences, or an
 * analytic model): one {@code denoise} call for F, then one {@code jvp} call with tangents (F, -1) for Q.
 */
public final class JvpFlowModel implements FlowModel {
    private final JvpDenoiser denoiser;
    private final String strategy;
    private final int dim;
    private long calls;
    private float[] xf = new float[0];
    private float[] sf = new float[0];
    private float[] df = new float[0];
    private float[] tf = new float[0];
    private float[] stf = new float[0];
    private float[] outT = new float[0];

    /**
     * @param denoiser the model and its JVP
     * @param strategy provenance name of the JVP strategy
     */
    public JvpFlowModel(JvpDenoiser denoiser, String strategy) {
        this.denoiser = Objects.requireNonNull(denoiser, "denoiser");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.dim = denoiser.sampleSize();
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public void evaluate(double[] x, double[] sigma, int batch, double[] f, double[] q) {
        int n = batch * dim;
        if (xf.length != n) {
            xf = new float[n];
            df = new float[n];
            tf = new float[n];
            outT = new float[n];
            sf = new float[batch];
            stf = new float[batch];
        }
        for (int j = 0; j < n; j++) {
            xf[j] = (float) x[j];
        }
        for (int b = 0; b < batch; b++) {
            sf[b] = (float) sigma[b];
            stf[b] = -1f;
        }
        denoiser.denoise(xf, sf, batch, df);
        calls++;
        checkFinite(df, sigma, "denoiser output");
        for (int j = 0; j < n; j++) {
            double s = sigma[j / dim];
            f[j] = (df[j] - x[j]) / s;
            tf[j] = (float) f[j];
        }
        denoiser.jvp(xf, sf, tf, stf, batch, df, outT);
        calls++;
        checkFinite(outT, sigma, "JVP output");
        for (int j = 0; j < n; j++) {
            q[j] = outT[j] / sigma[j / dim];
        }
    }

    private void checkFinite(float[] v, double[] sigma, String what) {
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) {
                throw new ArtException("the model returned a non-finite " + what + " (" + v[j] + ") for sample "
                        + (j / dim) + ", element " + (j % dim) + " at sigma = " + sigma[j / dim]
                        + "; expected finite values");
            }
        }
    }

    @Override
    public long calls() {
        return calls;
    }

    @Override
    public String jvpStrategy() {
        return strategy;
    }

    @Override
    public OptionalDouble sigmaMin() {
        return denoiser.sigmaMin();
    }

    @Override
    public OptionalDouble sigmaMax() {
        return denoiser.sigmaMax();
    }
}
