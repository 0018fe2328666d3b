package dev.artsched.benchmarks;

import dev.artsched.onnx.FiniteDifferenceJvp;
import dev.artsched.onnx.OnnxJvpDenoiser;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** Cost of one JVP (exported dual-number graph, or the finite-difference fallback) relative to one forward call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JvpCostBenchmark {
    @Param({"mixture2d", "tinyunet"})
    public String model;

    @Param({"64"})
    public int batch;

    private OnnxJvpDenoiser jvp;
    private FiniteDifferenceJvp fd;
    private float[] x;
    private float[] sigma;
    private float[] xt;
    private float[] st;
    private float[] out;
    private float[] tan;

    @Setup(Level.Trial)
    public void setUp() {
        jvp = OnnxJvpDenoiser.load(BenchModels.denoiser(model), BenchModels.jvp(model));
        fd = FiniteDifferenceJvp.of(jvp.denoiser());
        int n = jvp.sampleSize() * batch;
        x = BenchModels.noise(n, 1.0, 1);
        xt = BenchModels.noise(n, 1.0, 2);
        sigma = new float[batch];
        Arrays.fill(sigma, 0.8f);
        st = new float[batch];
        Arrays.fill(st, -1f);
        out = new float[n];
        tan = new float[n];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jvp.close();
    }

    @Benchmark
    public float[] forward() {
        jvp.denoise(x, sigma, batch, out);
        return out;
    }

    @Benchmark
    public float[] jvpGraph() {
        jvp.jvp(x, sigma, xt, st, batch, out, tan);
        return tan;
    }

    @Benchmark
    public float[] finiteDifference() {
        fd.jvp(x, sigma, xt, st, batch, out, tan);
        return tan;
    }
}
