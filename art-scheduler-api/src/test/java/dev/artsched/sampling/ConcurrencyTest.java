package dev.artsched.sampling;

import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Schedulers, the registry and both samplers shared by 8 threads give the same bits as sequential runs. */
class ConcurrencyTest {

    private record Request(String spec, int steps, Solver solver, long seed) {
    }

    private static float[] run(Request r, GaussianMixtureDenoiser d, List<TimestepScheduler> shared) {
        TimestepScheduler s = shared.get((int) (r.seed % shared.size()));
        Schedule grid = r.spec == null ? s.schedule(r.steps) : TimestepSchedulers.schedule(r.spec, r.steps);
        SplittableRandom rng = new SplittableRandom(r.seed);
        float[] x0 = new float[4 * 2];
        for (int i = 0; i < x0.length; i++) {
            x0[i] = (float) (grid.sigmaMax() * rng.nextGaussian());
        }
        return Samplers.of(r.solver).sample(d, grid, x0, 4).samples();
    }

    @Test
    void eightThreadsThousandRequestsAreBitIdenticalToSequentialRuns() throws Exception {
        GaussianMixtureDenoiser d = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        List<TimestepScheduler> shared = List.of(TimestepSchedulers.create("edm:sigma_max=10"),
                TimestepSchedulers.create("uniform:sigma_max=10,sigma_min=0.002"),
                TimestepSchedulers.create("exponential:sigma_max=10"));
        String[] specs = {null, "edm:rho=3,sigma_max=10", "uniform:sigma_max=10"};
        SplittableRandom rng = new SplittableRandom(99);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            requests.add(new Request(specs[rng.nextInt(specs.length)], 1 + rng.nextInt(20),
                    rng.nextBoolean() ? Solver.EULER : Solver.HEUN, rng.nextLong() & Long.MAX_VALUE));
        }
        List<float[]> sequential = new ArrayList<>();
        for (Request r : requests) {
            sequential.add(run(r, d, shared));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (Request r : requests) {
                futures.add(pool.submit(() -> run(r, d, shared)));
            }
            for (int i = 0; i < requests.size(); i++) {
                assertThat(futures.get(i).get()).as("request %d", i).containsExactly(sequential.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
