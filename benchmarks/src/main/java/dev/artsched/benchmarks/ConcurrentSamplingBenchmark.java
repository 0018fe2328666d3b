package dev.artsched.benchmarks;

import dev.artsched.sampling.Samplers;
import dev.artsched.onnx.OnnxDenoiser;
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

import java.util.concurrent.TimeUnit;

/**
 * Throughput of concurrent sampling requests on ONE shared {@link OnnxDenoiser} (one intra-op thread per call):
 * run with {@code -t 1}, {@code -t 2} and {@code -t 4} and compare ops/s. One operation = one Heun sampling run
 * (18 steps, 35 NFE) of a batch of 16.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(1)
public class ConcurrentSamplingBenchmark {

    /** The model shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"mixture2d", "tinyunet"})
        public String model;

        OnnxDenoiser denoiser;
        Schedule schedule;

        @Setup(Level.Trial)
        public void open() {
            denoiser = OnnxDenoiser.load(BenchModels.denoiser(model));
            schedule = BenchModels.edm(18, denoiser.sigmaMax().orElse(80));
        }

        @TearDown(Level.Trial)
        public void close() {
            denoiser.close();
        }
    }

    /** Per-thread initial noise. */
    @State(Scope.Thread)
    public static class Request {
        float[] x0;

        @Setup(Level.Trial)
        public void noise(Shared shared) {
            x0 = BenchModels.noise(16 * shared.denoiser.sampleSize(), shared.schedule.sigmaMax(),
                    Thread.currentThread().getId());
        }
    }

    @Benchmark
    public float[] heunRun(Shared shared, Request request) {
        return Samplers.of(Solver.HEUN).sample(shared.denoiser, shared.schedule, request.x0, 16).samples();
    }
}
