package dev.artsched.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.onnx.OrtEnvironments;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.adaptive.AdaptiveScheduler;
import dev.artsched.scheduler.adaptive.AdaptiveSchedulers;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A host application with its OWN per-sample Euler loop over plain ONNX Runtime, driven by an adaptive scheduler:
 * each sample asks {@link AdaptiveScheduler#next} for its next sigma from its current state, so samples take
 * different grids and may finish early. The scheduler is chosen by name through ServiceLoader from
 * {@code -Dart.adaptive=SPEC}: {@code onnx:path=policy.onnx} (a PPO policy graph from
 * {@code art train --method ppo}) or {@code constant:step=0.1,sigma_max=10} (the default).
 *
 * <p>Usage: {@code AdaptiveHostApp [--model mixture2d|FILE.onnx] [--nfe 10] [--samples 8] [--seed 0]}
 */
public final class AdaptiveHostApp {
    /** The system property naming the adaptive scheduler spec. */
    public static final String PROPERTY = "art.adaptive";

    private AdaptiveHostApp() {
    }

    /** Runs the example and prints each sample's NFE and a summary of the samples. */
    public static void main(String[] args) throws OrtException {
        String model = ExampleSupport.arg(args, "model", "mixture2d");
        int budget = Integer.parseInt(ExampleSupport.arg(args, "nfe", "10"));
        int batch = Integer.parseInt(ExampleSupport.arg(args, "samples", "8"));
        long seed = Long.parseLong(ExampleSupport.arg(args, "seed", "0"));
        AdaptiveScheduler scheduler = AdaptiveSchedulers.create(
                System.getProperty(PROPERTY, "constant:step=0.1,sigma_max=10"), Solver.EULER, budget);
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = OrtEnvironments.shared().createSession(ExampleSupport.modelBytes(model), opts)) {
                int n = HostHeunApp.sampleSize(session);
                float[] x = ExampleSupport.noise(batch * n, scheduler.firstSigma(), seed);
                int[] nfe = euler(session, scheduler, x, batch, n);
                System.out.println("adaptive scheduler: " + scheduler.name());
                System.out.println("NFE per sample: " + Arrays.toString(nfe) + String.format(Locale.ROOT,
                        " (mean %.2f, max %d, budget %d)", Arrays.stream(nfe).average().orElse(0),
                        Arrays.stream(nfe).max().orElse(0), budget));
                System.out.println("samples: " + ExampleSupport.summary(x));
            }
        }
    }

    /**
     * The host's own Euler loop with per-sample sigmas: all samples not yet at sigma = 0 step together in one
     * batched call, each to the sigma the scheduler gave it. Updates {@code x} in place.
     *
     * @return the denoiser evaluations each sample spent
     */
    public static int[] euler(OrtSession session, AdaptiveScheduler scheduler, float[] x, int batch, int n)
            throws OrtException {
        double[] sigma = new double[batch];
        Arrays.fill(sigma, scheduler.firstSigma());
        int[] steps = new int[batch];
        int[] nfe = new int[batch];
        for (int[] act = active(sigma); act.length > 0; act = active(sigma)) {
            int m = act.length;
            float[] xs = new float[m * n];
            double[] sg = new double[m];
            int[] st = new int[m];
            int[] used = new int[m];
            float[] sf = new float[m];
            for (int j = 0; j < m; j++) {
                System.arraycopy(x, act[j] * n, xs, j * n, n);
                sg[j] = sigma[act[j]];
                st[j] = steps[act[j]];
                used[j] = nfe[act[j]];
                sf[j] = (float) sg[j];
            }
            double[] next = new double[m];
            scheduler.next(xs, sg, st, used, m, next);
            float[] den = denoise(session, xs, sf, m, n);
            for (int j = 0; j < m; j++) {
                int b = act[j];
                float h = (float) next[j] - sf[j];
                for (int e = 0; e < n; e++) {
                    x[b * n + e] = xs[j * n + e] + h * ((xs[j * n + e] - den[j * n + e]) / sf[j]);
                }
                sigma[b] = next[j];
                steps[b]++;
                nfe[b]++;
            }
        }
        return nfe;
    }

    private static int[] active(double[] sigma) {
        return java.util.stream.IntStream.range(0, sigma.length).filter(i -> sigma[i] > 0).toArray();
    }

    private static float[] denoise(OrtSession session, float[] x, float[] sig, int batch, int n)
            throws OrtException {
        OrtEnvironment env = OrtEnvironments.shared();
        long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("x").getInfo()).getShape().clone();
        shape[0] = batch;
        try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(sig), new long[] {batch});
             OrtSession.Result r = session.run(Map.of("x", xt, "sigma", st))) {
            float[] den = new float[x.length];
            ((OnnxTensor) r.get("denoised").orElseThrow(() -> new ArtException("the model has no output 'denoised'")))
                    .getFloatBuffer().get(den);
            return den;
        }
    }
}
