package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;

import java.util.Arrays;

/** Shared argument checks and the non-finite-output guard of the reference samplers. */
final class SamplerSupport {
    private SamplerSupport() {
    }

    static int checkArguments(Denoiser denoiser, Schedule schedule, float[] x0, int batch) {
        if (denoiser == null || schedule == null || x0 == null) {
            throw new ArtException("sampler arguments must not be null");
        }
        if (batch < 1) {
            throw new ArtException("batch must be >= 1, found " + batch);
        }
        int n = denoiser.sampleSize() * batch;
        if (x0.length != n) {
            throw new ArtException("initial state must hold batch * sampleSize = " + batch + " * "
                    + denoiser.sampleSize() + " = " + n + " floats, found " + x0.length);
        }
        return n;
    }

    /** Calls the denoiser at one sigma for the whole batch and checks every output is finite. */
    static void denoise(Denoiser denoiser, float[] x, float[] sigmaBuf, double sigma, int batch, float[] out,
                        int step) {
        Arrays.fill(sigmaBuf, (float) sigma);
        denoiser.denoise(x, sigmaBuf, batch, out);
        for (int j = 0; j < out.length; j++) {
            if (!Float.isFinite(out[j])) {
                int per = out.length / batch;
                throw new ArtException("denoiser returned a non-finite value (" + out[j] + ") at step " + step
                        + " (sigma = " + sigma + "), sample " + (j / per) + ", element " + (j % per)
                        + "; expected finite outputs");
            }
        }
    }
}
