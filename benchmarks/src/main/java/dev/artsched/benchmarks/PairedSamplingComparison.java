package dev.artsched.benchmarks;

import dev.artsched.scheduler.Solver;

import java.util.Arrays;
import java.util.Locale;

/**
 * A/B check of {@link SamplingLoopBenchmark} robust to a shared, noisy machine: the library sampler and the raw
 * {@code session.run} loop are run alternately (order flipped every pair) on the same state, and the median of
 * the per-pair time ratios is reported with its interquartile range. Load drifts slowly compared with one pair
 * (milliseconds), so it cancels in each ratio, unlike JMH's sequential runs.
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.artsched.benchmarks.PairedSamplingComparison [pairs [model]]}.
 */
public final class PairedSamplingComparison {
    private PairedSamplingComparison() {
    }

    public static void main(String[] args) throws Exception {
        int pairsArg = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        System.out.println("model      solver  batch  pairs  sampler_us  raw_us  median(sampler/raw)  IQR");
        String[] models = args.length > 1 ? new String[] {args[1]} : new String[] {"mixture2d", "tinyunet"};
        for (String model : models) {
            for (Solver solver : Solver.values()) {
                SamplingLoopBenchmark b = new SamplingLoopBenchmark();
                b.model = model;
                b.solver = solver;
                b.batch = 64;
                b.setUp();
                try {
                    int pairs = pairsArg > 0 ? pairsArg : model.equals("tinyunet") ? 60 : 400;
                    for (int i = 0; i < Math.max(50, pairs / 4); i++) {
                        b.sampler();
                        b.rawSessionLoop();
                    }
                    double[] ratio = new double[pairs];
                    double[] ts = new double[pairs];
                    double[] tr = new double[pairs];
                    for (int i = 0; i < pairs; i++) {
                        long s;
                        long r;
                        if (i % 2 == 0) {
                            s = time(b, true);
                            r = time(b, false);
                        } else {
                            r = time(b, false);
                            s = time(b, true);
                        }
                        ts[i] = s / 1e3;
                        tr[i] = r / 1e3;
                        ratio[i] = (double) s / r;
                    }
                    Arrays.sort(ratio);
                    Arrays.sort(ts);
                    Arrays.sort(tr);
                    System.out.println(String.format(Locale.ROOT, "%-10s %-7s %5d  %5d  %10.1f  %6.1f  %19.3f  %.3f-%.3f",
                            model, solver.id(), b.batch, pairs, ts[pairs / 2], tr[pairs / 2], ratio[pairs / 2],
                            ratio[pairs / 4], ratio[3 * pairs / 4]));
                } finally {
                    b.tearDown();
                }
            }
        }
    }

    private static long time(SamplingLoopBenchmark b, boolean sampler) throws Exception {
        long t0 = System.nanoTime();
        float[] out = sampler ? b.sampler() : b.rawSessionLoop();
        long t = System.nanoTime() - t0;
        if (out[0] != out[0]) {
            throw new IllegalStateException("NaN sample");
        }
        return t;
    }
}
