package dev.artsched.benchmarks;

import dev.artsched.sampling.Samplers;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.sampling.Sampler;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole Euler or Heun sampling run (EDM grid, 18 steps) through the api {@link Sampler} over
 * {@link OnnxDenoiser}, against a hand-written loop calling {@code OrtSession.run} on the same session with its
 * own pinned tensors and the update done directly in the direct buffers (the fastest raw ONNX Runtime loop).
 * Same model, batch and schedule; compare the two in one run. One operation = one sampling run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamplingLoopBenchmark {
    @Param({"mixture2d", "tinyunet"})
    public String model;

    @Param({"EULER", "HEUN"})
    public Solver solver;

    @Param({"64"})
    public int batch;

    private OnnxDenoiser denoiser;
    private OrtSession session;
    private Sampler sampler;
    private Schedule schedule;
    private float[] x0;
    private int n;
    private FloatBuffer xb;
    private FloatBuffer sb;
    private FloatBuffer ob;
    private float[] x;
    private float[] d;
    private OnnxTensor[] tensors;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> pinned;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        denoiser = OnnxDenoiser.load(BenchModels.denoiser(model));
        session = denoiser.session();
        sampler = Samplers.of(solver);
        double sigmaMax = denoiser.sigmaMax().orElse(80.0);
        schedule = BenchModels.edm(18, sigmaMax);
        n = denoiser.sampleSize() * batch;
        x0 = BenchModels.noise(n, sigmaMax, 3);
        long[] shape = new long[denoiser.sampleShape().length + 1];
        shape[0] = batch;
        System.arraycopy(denoiser.sampleShape(), 0, shape, 1, shape.length - 1);
        xb = direct(n);
        sb = direct(batch);
        ob = direct(n);
        x = new float[n];
        d = new float[n];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        tensors = new OnnxTensor[] {OnnxTensor.createTensor(env, xb, shape),
            OnnxTensor.createTensor(env, sb, new long[] {batch}), OnnxTensor.createTensor(env, ob, shape)};
        inputs = new HashMap<>(Map.of("x", tensors[0], "sigma", tensors[1]));
        pinned = new HashMap<>(Map.of("denoised", tensors[2]));
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        denoiser.close();
    }

    /** The library: api sampler over OnnxDenoiser. */
    @Benchmark
    public float[] sampler() {
        return sampler.sample(denoiser, schedule, x0, batch).samples();
    }

    /** Raw ONNX Runtime: Euler/Heun written directly against the pinned direct buffers. */
    @Benchmark
    public float[] rawSessionLoop() throws OrtException {
        System.arraycopy(x0, 0, x, 0, n);
        int steps = schedule.steps();
        for (int i = 0; i < steps; i++) {
            float s = (float) schedule.sigma(i);
            float sNext = (float) schedule.sigma(i + 1);
            float h = sNext - s;
            run(x, s);
            if (solver == Solver.EULER || sNext == 0f) {
                for (int j = 0; j < n; j++) {
                    x[j] += h * (x[j] - ob.get(j)) / s;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    d[j] = (x[j] - ob.get(j)) / s;
                    xb.put(j, x[j] + h * d[j]);
                }
                fill(sNext);
                session.run(inputs, pinned).close();
                for (int j = 0; j < n; j++) {
                    float xn = xb.get(j);
                    x[j] += h * (0.5f * d[j] + 0.5f * (xn - ob.get(j)) / sNext);
                }
            }
        }
        return x;
    }

    private void run(float[] state, float s) throws OrtException {
        xb.put(0, state, 0, n);
        fill(s);
        session.run(inputs, pinned).close();
    }

    private void fill(float s) {
        for (int b = 0; b < batch; b++) {
            sb.put(b, s);
        }
    }
}
