package dev.artsched.sampling.adapters;

import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;

/**
 * Base of the parameterisation adapters: presents a {@link TimestepModel} as an EDM denoiser D(x; sigma) so
 * every scheduler and sampler works unchanged (the k-diffusion approach). Each call scales the input, maps
 * sigma to the model's timestep, runs the model and combines its prediction with x. Thread-safe if the model is;
 * work buffers are per thread and reused, so steady-state calls do not allocate.
 */
abstract class AdaptedDenoiser implements Denoiser {
    protected final TimestepModel model;
    private final ThreadLocal<float[][]> buffers = new ThreadLocal<>();

    AdaptedDenoiser(TimestepModel model) {
        if (model == null) {
            throw new ArtException("model must not be null");
        }
        this.model = model;
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    @Override
    public long[] sampleShape() {
        return model.sampleShape();
    }

    /** Input scale c_in(sigma) applied before the model. */
    abstract double cIn(double sigma);

    /** The model's timestep for a noise level. */
    abstract double timestep(double sigma);

    /** D from x, the model's raw prediction, and sigma (one element). */
    abstract double combine(double x, double prediction, double sigma);

    /** The raw network call of one adapted evaluation (the model, or a conditional model with its rows). */
    @FunctionalInterface
    interface Predictor {
        void predict(float[] x, float[] timestep, int batch, float[] out);
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        run(x, sigma, batch, out, model::predict);
    }

    /** One adapted evaluation with {@code predictor} as the network. */
    final void run(float[] x, float[] sigma, int batch, float[] out, Predictor predictor) {
        int per = sampleSize();
        int n = batch * per;
        float[][] buf = buffers.get();
        if (buf == null || buf[0].length != n) {
            buf = new float[][] {new float[n], new float[batch]};
            buffers.set(buf);
        }
        float[] xin = buf[0];
        float[] t = buf[1];
        for (int b = 0; b < batch; b++) {
            double s = sigma[b];
            double c = cIn(s);
            t[b] = (float) timestep(s);
            for (int j = b * per, e = j + per; j < e; j++) {
                xin[j] = (float) (x[j] * c);
            }
        }
        predictor.predict(xin, t, batch, out);
        for (int b = 0; b < batch; b++) {
            double s = sigma[b];
            for (int j = b * per, e = j + per; j < e; j++) {
                out[j] = (float) combine(x[j], out[j], s);
            }
        }
    }
}
