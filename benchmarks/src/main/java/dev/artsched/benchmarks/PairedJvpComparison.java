package dev.artsched.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A/B/C check of {@link JvpCostBenchmark} robust to a shared, noisy machine: forward call, JVP graph and
 * finite-difference JVP are timed back to back in rotating order, and the medians of the per-round ratios
 * JVP / forward are reported with their interquartile ranges.
 *
 * <p>Run from the repository root: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.artsched.benchmarks.PairedJvpComparison [rounds]}.
 */
public final class PairedJvpComparison {
    private PairedJvpComparison() {
    }

    public static void main(String[] args) {
        int roundsArg = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        System.out.println("model      batch  rounds  forward_us  jvpGraph_us  fd_us  median(jvp/fwd) IQR          "
                + "median(fd/fwd) IQR");
        for (String model : new String[] {"mixture2d", "tinyunet"}) {
            JvpCostBenchmark b = new JvpCostBenchmark();
            b.model = model;
            b.batch = 64;
            b.setUp();
            try {
                int rounds = roundsArg > 0 ? roundsArg : model.equals("tinyunet") ? 150 : 2000;
                for (int i = 0; i < Math.max(100, rounds / 4); i++) {
                    b.forward();
                    b.jvpGraph();
                    b.finiteDifference();
                }
                double[][] t = new double[3][rounds];
                double[] rj = new double[rounds];
                double[] rf = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    for (int k = 0; k < 3; k++) {
                        int which = (i + k) % 3;
                        long t0 = System.nanoTime();
                        float[] out = which == 0 ? b.forward() : which == 1 ? b.jvpGraph() : b.finiteDifference();
                        t[which][i] = (System.nanoTime() - t0) / 1e3;
                        if (out[0] != out[0]) {
                            throw new IllegalStateException("NaN output");
                        }
                    }
                    rj[i] = t[1][i] / t[0][i];
                    rf[i] = t[2][i] / t[0][i];
                }
                for (double[] a : t) {
                    Arrays.sort(a);
                }
                Arrays.sort(rj);
                Arrays.sort(rf);
                int m = rounds / 2;
                int q1 = rounds / 4;
                int q3 = 3 * rounds / 4;
                System.out.println(String.format(Locale.ROOT,
                        "%-10s %5d  %6d  %10.1f  %11.1f  %5.1f  %6.2f %.2f-%.2f  %13.2f %.2f-%.2f", model, b.batch,
                        rounds, t[0][m], t[1][m], t[2][m], rj[m], rj[q1], rj[q3], rf[m], rf[q1], rf[q3]));
            } finally {
                b.tearDown();
            }
        }
    }
}
