package dev.artsched.sampling;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/**
 * EDM's deterministic Heun sampler (Karras et al. 2022, Algorithm 1 without churn): an Euler predictor and a
 * trapezoidal corrector, skipping the corrector on the final step into sigma = 0, so 2N - 1 denoiser calls.
 * Stateless and thread-safe.
 */
public final class HeunSampler implements Sampler {

    @Override
    public Solver solver() {
        return Solver.HEUN;
    }

    @Override
    public SampleResult sample(Denoiser denoiser, Schedule schedule, float[] x0, int batch,
                               StepListener listener) {
        int n = SamplerSupport.checkArguments(denoiser, schedule, x0, batch);
        float[] x = x0.clone();
        float[] den = new float[n];
        float[] d = new float[n];
        float[] xNext = new float[n];
        float[] sig = new float[batch];
        int steps = schedule.steps();
        int nfe = 0;
        for (int i = 0; i < steps; i++) {
            double s = schedule.sigma(i);
            double sNext = schedule.sigma(i + 1);
            float sf = (float) s;
            float h = (float) sNext - sf;
            SamplerSupport.denoise(denoiser, x, sig, s, batch, den, i);
            nfe++;
            for (int j = 0; j < n; j++) {
                d[j] = (x[j] - den[j]) / sf;
                xNext[j] = x[j] + h * d[j];
            }
            if (sNext != 0.0) {
                float snf = (float) sNext;
                SamplerSupport.denoise(denoiser, xNext, sig, sNext, batch, den, i);
                nfe++;
                for (int j = 0; j < n; j++) {
                    float d2 = (xNext[j] - den[j]) / snf;
                    xNext[j] = x[j] + h * (0.5f * d[j] + 0.5f * d2);
                }
            }
            float[] t = x;
            x = xNext;
            xNext = t;
            listener.onStep(i, steps, s, sNext, nfe);
        }
        return new SampleResult(x, batch, nfe);
    }
}
