package dev.artsched.eval;

import dev.artsched.sampling.Samplers;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.Sampler;
import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded initial noise and fine-grid reference solutions for one denoiser, shared by every schedule and step
 * count evaluated against it. The standard-normal noise z is drawn once from the seed; a schedule starting at
 * sigma_0 starts from x_0 = sigma_0 z, and its reference solution is EDM's Heun on a fine EDM grid
 * (Karras rho) from the same sigma_0 down to the reference sigma_min, then into 0. References are computed
 * once per sigma_0 and cached. Sampling runs in batches of {@link Options#batchSize()} samples. Not
 * thread-safe.
 */
public final class ReferenceSolutions {
    private final Denoiser denoiser;
    private final Options options;
    private final float[] noise;
    private final Map<Double, float[]> references = new HashMap<>();

    /**
     * Evaluation settings.
     *
     * @param samples          number of samples M (>= 2)
     * @param seed             seed of the initial noise
     * @param batchSize        samples per denoiser call (>= 1)
     * @param referenceSteps   steps of the fine reference grid (>= 2)
     * @param referenceRho     Karras rho of the reference grid (> 0)
     * @param referenceSigmaMin smallest positive sigma of the reference grid (> 0)
     */
    public record Options(int samples, long seed, int batchSize, int referenceSteps, double referenceRho,
                          double referenceSigmaMin) {
        /** Default reference resolution: 512 Heun steps on an EDM rho = 7 grid. */
        public static final int DEFAULT_REFERENCE_STEPS = 512;
        /** The EDM default smallest noise level, used when the model does not say. */
        public static final double DEFAULT_SIGMA_MIN = 0.002;

        /** Validates. */
        public Options {
            if (samples < 2) {
                throw new ArtException("samples must be >= 2, found " + samples);
            }
            if (batchSize < 1) {
                throw new ArtException("batch size must be >= 1, found " + batchSize);
            }
            if (referenceSteps < 2) {
                throw new ArtException("reference steps must be >= 2, found " + referenceSteps);
            }
            if (!(referenceRho > 0) || !Double.isFinite(referenceRho)) {
                throw new ArtException("reference rho must be a finite number > 0, found " + referenceRho);
            }
            if (!(referenceSigmaMin > 0) || !Double.isFinite(referenceSigmaMin)) {
                throw new ArtException("reference sigma_min must be a finite number > 0, found " + referenceSigmaMin);
            }
        }

        /** {@code samples} samples from {@code seed} with the default reference (512 steps, rho 7, 0.002). */
        public static Options of(int samples, long seed) {
            return new Options(samples, seed, Math.min(samples, 256), DEFAULT_REFERENCE_STEPS, 7.0,
                    DEFAULT_SIGMA_MIN);
        }

        /** The same options with another batch size. */
        public Options withBatchSize(int newBatchSize) {
            return new Options(samples, seed, newBatchSize, referenceSteps, referenceRho, referenceSigmaMin);
        }

        /** The same options with another reference grid. */
        public Options withReference(int steps, double rho, double sigmaMin) {
            return new Options(samples, seed, batchSize, steps, rho, sigmaMin);
        }
    }

    /** Draws the noise for {@code options.samples()} samples of the denoiser's size. */
    public ReferenceSolutions(Denoiser denoiser, Options options) {
        if (denoiser == null || options == null) {
            throw new ArtException("reference solutions need a denoiser and options, found null");
        }
        this.denoiser = denoiser;
        this.options = options;
        long n = (long) options.samples() * denoiser.sampleSize();
        if (n > Integer.MAX_VALUE - 8) {
            throw new ArtException("samples * sampleSize must fit in one array, found " + options.samples()
                    + " * " + denoiser.sampleSize());
        }
        this.noise = standardNormal(options.seed(), (int) n);
    }

    /** The denoiser. */
    public Denoiser denoiser() {
        return denoiser;
    }

    /** The options. */
    public Options options() {
        return options;
    }

    /** Number of denoiser batches one full pass over the samples takes. */
    public int batches() {
        return (options.samples() + options.batchSize() - 1) / options.batchSize();
    }

    /** {@code n} seeded standard-normal floats. */
    public static float[] standardNormal(long seed, int n) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = (float) rng.nextGaussian();
        }
        return z;
    }

    /** The fine reference grid starting at {@code sigmaMax}: EDM rho spacing down to sigma_min, then 0. */
    public Schedule referenceSchedule(double sigmaMax) {
        double sMin = options.referenceSigmaMin();
        if (!(sigmaMax > sMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("the schedule's sigma_0 must be finite and above the reference sigma_min "
                    + sMin + ", found " + sigmaMax);
        }
        int n = options.referenceSteps();
        double rho = options.referenceRho();
        double a = Math.pow(sigmaMax, 1.0 / rho);
        double b = Math.pow(sMin, 1.0 / rho);
        double[] s = new double[n + 1];
        for (int i = 0; i < n; i++) {
            s[i] = Math.pow(a + (double) i / (n - 1) * (b - a), rho);
        }
        s[0] = sigmaMax;
        s[n - 1] = sMin;
        s[n] = 0.0;
        return new Schedule("reference", s, "heun on edm rho=" + rho + ", " + n + " steps to " + sMin);
    }

    /**
     * Integrates every sample along {@code schedule} with {@code solver}, from x_0 = sigma_0 z.
     *
     * @return {@code samples * sampleSize()} final states
     */
    public float[] solve(Schedule schedule, Solver solver, StepListener listener) {
        Sampler sampler = Samplers.of(solver);
        int size = denoiser.sampleSize();
        int total = options.samples();
        float[] out = new float[total * size];
        float s0 = (float) schedule.sigmaMax();
        for (int start = 0; start < total; start += options.batchSize()) {
            int batch = Math.min(options.batchSize(), total - start);
            float[] x0 = new float[batch * size];
            int off = start * size;
            for (int i = 0; i < x0.length; i++) {
                x0[i] = s0 * noise[off + i];
            }
            float[] result = sampler.sample(denoiser, schedule, x0, batch, listener).samples();
            System.arraycopy(result, 0, out, off, result.length);
        }
        return out;
    }

    /**
     * Integrates every sample with an adaptive scheduler from x_0 = sigma_0 z, sigma_0 its first sigma (the same
     * noises z as {@link #solve}); the final states and each sample's NFE.
     */
    public dev.artsched.sampling.AdaptiveResult solve(dev.artsched.scheduler.adaptive.AdaptiveScheduler scheduler) {
        int size = denoiser.sampleSize();
        int total = options.samples();
        float[] out = new float[total * size];
        int[] nfe = new int[total];
        int[] steps = new int[total];
        float s0 = (float) scheduler.firstSigma();
        for (int start = 0; start < total; start += options.batchSize()) {
            int batch = Math.min(options.batchSize(), total - start);
            float[] x0 = new float[batch * size];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = s0 * noise[start * size + i];
            }
            var r = dev.artsched.sampling.AdaptiveSampler.sample(denoiser, scheduler, x0, batch);
            System.arraycopy(r.samples(), 0, out, start * size, r.samples().length);
            System.arraycopy(r.nfe(), 0, nfe, start, batch);
            System.arraycopy(r.steps(), 0, steps, start, batch);
        }
        return new dev.artsched.sampling.AdaptiveResult(out, total, nfe, steps);
    }

    /** The cached (or newly computed) reference solution for schedules starting at {@code sigmaMax}. */
    public float[] reference(double sigmaMax, StepListener listener) {
        float[] cached = references.get(sigmaMax);
        if (cached == null) {
            cached = solve(referenceSchedule(sigmaMax), Solver.HEUN, listener);
            references.put(sigmaMax, cached);
        }
        return cached;
    }

    /** Whether the reference for {@code sigmaMax} is already cached. */
    public boolean hasReference(double sigmaMax) {
        return references.containsKey(sigmaMax);
    }
}
