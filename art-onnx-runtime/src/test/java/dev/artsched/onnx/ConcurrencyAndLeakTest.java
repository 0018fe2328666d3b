package dev.artsched.onnx;

import dev.artsched.sampling.Samplers;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * One {@link OnnxDenoiser} shared by 8 threads gives the same bits as sequential runs, and creating and closing
 * sessions does not leak native memory (RSS measured from /proc/self/status).
 */
class ConcurrencyAndLeakTest {

    private record Request(String spec, int steps, Solver solver, int batch, long seed) {
    }

    private static float[] run(OnnxDenoiser d, Request r) {
        Schedule grid = TimestepSchedulers.schedule(r.spec, r.steps);
        SplittableRandom rng = new SplittableRandom(r.seed);
        float[] x0 = new float[r.batch * d.sampleSize()];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) (grid.sigmaMax() * rng.nextGaussian());
        }
        return Samplers.of(r.solver).sample(d, grid, x0, r.batch).samples();
    }

    private static void sharedByEightThreads(Path model, int requests, int maxSteps) throws Exception {
        String[] specs = {"edm:sigma_max=10", "uniform:sigma_max=10,sigma_min=0.002", "exponential:sigma_max=10"};
        SplittableRandom rng = new SplittableRandom(2026);
        List<Request> list = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            list.add(new Request(specs[rng.nextInt(specs.length)], 1 + rng.nextInt(maxSteps),
                    rng.nextBoolean() ? Solver.EULER : Solver.HEUN, 1 + rng.nextInt(16), rng.nextLong()));
        }
        try (OnnxDenoiser d = OnnxDenoiser.load(model)) {
            List<float[]> sequential = new ArrayList<>();
            for (Request r : list) {
                sequential.add(run(d, r));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<float[]>> futures = new ArrayList<>();
                for (Request r : list) {
                    futures.add(pool.submit(() -> run(d, r)));
                }
                for (int i = 0; i < list.size(); i++) {
                    assertThat(futures.get(i).get()).as("request %d %s", i, list.get(i)).containsExactly(sequential.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void oneDenoiserSharedByEightThreadsThousandRequestsIsBitIdentical() throws Exception {
        sharedByEightThreads(TestModels.MIXTURE, 1000, 20);
    }

    @Test
    void aConvolutionalGraphSharedByEightThreadsIsBitIdentical() throws Exception {
        sharedByEightThreads(TestModels.TINY, 120, 6);
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void tenThousandCreateCloseCyclesDoNotLeakNativeMemory() throws Exception {
        assumeThat(Files.exists(Path.of("/proc/self/status"))).as("Linux /proc").isTrue();
        byte[] model = Files.readAllBytes(TestModels.GAUSS);
        int cycles = Integer.getInteger("art.leak.cycles", 10_000);
        float[] x = {0.5f};
        float[] s = {1f};
        float[] out = new float[1];
        for (int i = 0; i < 2000; i++) {
            try (OnnxDenoiser d = OnnxDenoiser.load(model, "gauss1d", OnnxOptions.defaults())) {
                d.denoise(x, s, 1, out);
            }
        }
        // RSS moves in one-off steps of up to tens of MB when the allocator grows or trims its arenas, so one reading
        // before and one after are noisy; a leak raises every interval instead: take ten readings at equal intervals
        // and judge the median growth per interval
        int readings = 10;
        int per = Math.max(1, cycles / readings);
        long[] kb = new long[readings + 1];
        System.gc();
        kb[0] = nativeKb();
        for (int r = 1; r <= readings; r++) {
            for (int i = 0; i < per; i++) {
                try (OnnxDenoiser d = OnnxDenoiser.load(model, "gauss1d", OnnxOptions.defaults())) {
                    d.denoise(x, s, 1, out);
                }
            }
            System.gc();
            kb[r] = nativeKb();
        }
        long[] steps = new long[readings];
        for (int r = 0; r < readings; r++) {
            steps[r] = kb[r + 1] - kb[r];
        }
        java.util.Arrays.sort(steps);
        long median = (steps[readings / 2 - 1] + steps[readings / 2]) / 2;
        System.out.printf("RSS outside the Java heap over %d create/use/close cycles: %s KB; median growth %d KB per %d "
                + "cycles (%.2f KB/cycle)%n", readings * per, java.util.Arrays.toString(kb), median, per,
                (double) median / per);
        assertThat(out[0]).isEqualTo(0.25f);
        // before the fix in IoSlots.Slot.close() the per-thread direct buffers leaked ~3-7 KB per cycle, which raises
        // every interval; the allocator's one-off steps move one or two intervals and leave the median near 0
        assertThat(median).as("median RSS growth in KB per %d cycles", per).isLessThan(per);
    }

    /** RSS minus the committed Java heap: native memory such as ONNX Runtime's, without the heap's own growth. */
    private static long nativeKb() throws Exception {
        return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
    }
}
