package dev.artsched.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.onnx.OrtEnvironments;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * A host application with its OWN Heun loop over plain ONNX Runtime. The only art-scheduler call is the grid:
 * {@code TimestepSchedulers.fromSystemProperty()} picks it by name through ServiceLoader, so
 * {@code -Dart.scheduler=edm}, {@code -Dart.scheduler=art:path=grid.json} or a third-party plugin's
 * {@code -Dart.scheduler=polyexp-plugin} change the sampling with no code change.
 *
 * <p>Usage: {@code HostHeunApp [--model mixture2d|FILE.onnx] [--steps 18] [--samples 8] [--seed 0]}
 */
public final class HostHeunApp {
    private HostHeunApp() {
    }

    /** Runs the example and prints the grid and a summary of the samples. */
    public static void main(String[] args) throws OrtException {
        String model = ExampleSupport.arg(args, "model", "mixture2d");
        int steps = Integer.parseInt(ExampleSupport.arg(args, "steps", "18"));
        int batch = Integer.parseInt(ExampleSupport.arg(args, "samples", "8"));
        long seed = Long.parseLong(ExampleSupport.arg(args, "seed", "0"));

        TimestepScheduler scheduler = TimestepSchedulers.fromSystemProperty();
        OrtEnvironment env = OrtEnvironments.shared();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(ExampleSupport.modelBytes(model), opts)) {
                Schedule grid = scheduler.schedule(steps);
                float[] x0 = ExampleSupport.noise(batch * sampleSize(session), grid.sigmaMax(), seed);
                float[] out = heun(session, grid, x0, batch);
                System.out.println("scheduler: " + scheduler.name());
                System.out.println("grid (" + grid.steps() + " steps): " + Arrays.toString(grid.sigmas()));
                System.out.println("samples: " + ExampleSupport.summary(out));
            }
        }
    }

    /** Number of floats per sample from the graph's {@code x} input (all dimensions after the batch). */
    public static int sampleSize(OrtSession session) throws OrtException {
        long[] shape = inputShape(session, 1);
        int n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= (int) shape[i];
        }
        return n;
    }

    private static long[] inputShape(OrtSession session, int batch) throws OrtException {
        long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("x").getInfo()).getShape().clone();
        shape[0] = batch;
        return shape;
    }

    /**
     * The host's own EDM Heun loop (2N - 1 calls; no correction into sigma = 0), in float arithmetic.
     *
     * @return the samples at sigma = 0
     */
    public static float[] heun(OrtSession session, Schedule grid, float[] x0, int batch) throws OrtException {
        long[] shape = inputShape(session, batch);
        float[] x = x0.clone();
        float[] d = new float[x.length];
        float[] xNext = new float[x.length];
        for (int i = 0; i < grid.steps(); i++) {
            float s = (float) grid.sigma(i);
            float sNext = (float) grid.sigma(i + 1);
            float h = sNext - s;
            float[] den = denoise(session, x, s, shape);
            for (int j = 0; j < x.length; j++) {
                d[j] = (x[j] - den[j]) / s;
                xNext[j] = x[j] + h * d[j];
            }
            if (grid.sigma(i + 1) != 0.0) {
                float[] den2 = denoise(session, xNext, sNext, shape);
                for (int j = 0; j < x.length; j++) {
                    float d2 = (xNext[j] - den2[j]) / sNext;
                    xNext[j] = x[j] + h * (0.5f * d[j] + 0.5f * d2);
                }
            }
            float[] t = x;
            x = xNext;
            xNext = t;
        }
        return x;
    }

    private static float[] denoise(OrtSession session, float[] x, float sigma, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironments.shared();
        int batch = (int) shape[0];
        float[] sig = new float[batch];
        Arrays.fill(sig, sigma);
        try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(sig), new long[] {batch});
             OrtSession.Result r = session.run(Map.of("x", xt, "sigma", st))) {
            FloatBuffer out = ((OnnxTensor) r.get("denoised").orElseThrow(
                    () -> new ArtException("the model has no output 'denoised'"))).getFloatBuffer();
            float[] den = new float[x.length];
            out.get(den);
            return den;
        }
    }
}
