package dev.artsched.sampling;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/**
 * Explicit Euler on the probability-flow ODE: x_{i+1} = x_i + (sigma_{i+1} - sigma_i) (x_i - D(x_i; sigma_i))
 * / sigma_i. N denoiser calls for N steps. Stateless and thread-safe.
 */
public final class EulerSampler implements Sampler {

    @Override
    public Solver solver() {
        return Solver.EULER;
    }

    @Override
    public SampleResult sample(Denoiser denoiser, Schedule schedule, float[] x0, int batch,
                               StepListener listener) {
        int n = SamplerSupport.checkArguments(denoiser, schedule, x0, batch);
        float[] x = x0.clone();
        float[] den = new float[n];
        float[] sig = new float[batch];
        int steps = schedule.steps();
        int nfe = 0;
        for (int i = 0; i < steps; i++) {
            double s = schedule.sigma(i);
            double sNext = schedule.sigma(i + 1);
            SamplerSupport.denoise(denoiser, x, sig, s, batch, den, i);
            nfe++;
            eulerStep(x, den, (float) s, (float) sNext);
            listener.onStep(i, steps, s, sNext, nfe);
        }
        return new SampleResult(x, batch, nfe);
    }

    /** One Euler update in place, in float arithmetic: x += (sNext - s) * (x - den) / s. */
    static void eulerStep(float[] x, float[] den, float s, float sNext) {
        float h = sNext - s;
        for (int j = 0; j < x.length; j++) {
            float d = (x[j] - den[j]) / s;
            x[j] = x[j] + h * d;
        }
    }
}
