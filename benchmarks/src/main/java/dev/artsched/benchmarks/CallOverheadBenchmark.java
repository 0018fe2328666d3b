package dev.artsched.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.onnx.OnnxDenoiser;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-call overhead on a tiny graph (the 1-D Gaussian, a handful of element-wise ops): a naive call that creates
 * tensors from heap arrays and reads a fresh output every time, a call reusing direct buffers and a pinned
 * output, and {@link OnnxDenoiser#denoise} (which does the latter plus the copies in and out).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CallOverheadBenchmark {
    @Param({"1", "64"})
    public int batch;

    private OnnxDenoiser denoiser;
    private OrtSession session;
    private OrtEnvironment env;
    private float[] x;
    private float[] sigma;
    private float[] out;
    private long[] xShape;
    private long[] sShape;
    private OnnxTensor xt;
    private OnnxTensor st;
    private OnnxTensor ot;
    private FloatBuffer xb;
    private FloatBuffer sb;
    private FloatBuffer ob;
    private Map<String, OnnxTensor> inputs;
    private Map<String, OnnxTensor> pinned;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        denoiser = OnnxDenoiser.load(BenchModels.denoiser("gauss1d"));
        session = denoiser.session();
        env = OrtEnvironment.getEnvironment();
        x = BenchModels.noise(batch, 1.0, 1);
        sigma = new float[batch];
        Arrays.fill(sigma, 0.7f);
        out = new float[batch];
        xShape = new long[] {batch, 1};
        sShape = new long[] {batch};
        xb = direct(batch);
        sb = direct(batch);
        ob = direct(batch);
        xt = OnnxTensor.createTensor(env, xb, xShape);
        st = OnnxTensor.createTensor(env, sb, sShape);
        ot = OnnxTensor.createTensor(env, ob, xShape);
        inputs = new HashMap<>(Map.of("x", xt, "sigma", st));
        pinned = new HashMap<>(Map.of("denoised", ot));
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        xt.close();
        st.close();
        ot.close();
        denoiser.close();
    }

    /** New input tensors over heap buffers (copied by ORT) and a new output tensor read back, every call. */
    @Benchmark
    public float[] naiveNewTensors() throws OrtException {
        try (OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), xShape);
             OnnxTensor b = OnnxTensor.createTensor(env, FloatBuffer.wrap(sigma), sShape);
             OrtSession.Result r = session.run(Map.of("x", a, "sigma", b))) {
            ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
        }
        return out;
    }

    /** Reused direct buffers and a pinned output: copy in, run, copy out. */
    @Benchmark
    public float[] reusedPinnedBuffers() throws OrtException {
        xb.put(0, x);
        sb.put(0, sigma);
        session.run(inputs, pinned).close();
        ob.get(0, out);
        return out;
    }

    /** The library call. */
    @Benchmark
    public float[] onnxDenoiser() {
        denoiser.denoise(x, sigma, batch, out);
        return out;
    }
}
