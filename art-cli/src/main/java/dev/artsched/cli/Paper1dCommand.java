package dev.artsched.cli;

import dev.artsched.training.rl.ArtRlResult;
import dev.artsched.training.PaperBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art paper-1d}: reproduces the ART paper's 1-D benchmark (docs/MATH.md section 4). One ART-RL run at K = 100
 * on the exact 1-D model, resampled by the time map to every K, next to the ART closed form and the Uniform,
 * EDM (rho 7) and EDM-T (rho 3) grids; exact and Monte-Carlo W2 of Euler's output against the paper's Table 1.
 */
@Command(name = "paper-1d", mixinStandardHelpOptions = true,
        description = "Reproduce the ART paper's 1-D table (exact and Monte-Carlo W2).")
public final class Paper1dCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object {rows: [...], wall_seconds: ...}.")
    boolean json;

    @Option(names = "--iterations", defaultValue = "5000", paramLabel = "I",
            description = "ART-RL iterations (default ${DEFAULT-VALUE}, as in the paper).")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default 0).")
    long seed;

    @Option(names = "--batch", defaultValue = "16", paramLabel = "B",
            description = "Rollouts per iteration (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--mc-samples", defaultValue = "100000", paramLabel = "N",
            description = "Monte-Carlo samples per W2 estimate (default ${DEFAULT-VALUE}).")
    int mcSamples;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the K = 100 ART-RL grid as a schedule file.")
    Path out;

    @Override
    public Integer call() {
        return CliSupport.run(spec, () -> {
            CliSupport.range("--iterations", iterations, 1, CliSupport.MAX_COUNT);
            CliSupport.range("--batch", batch, 1, dev.artsched.training.rl.ArtRlConfig.MAX_BATCH);
            CliSupport.range("--mc-samples", mcSamples, 1, CliSupport.MAX_COUNT);
            try (Outputs files = new Outputs().output("--out", out).check(false).lock(CliSupport.owner(spec))) {
                return execute();
            }
        });
    }

    private Integer execute() {
        long start = System.nanoTime();
        PaperBenchmark.Result bench;
        try (TrainingBar bar = new TrainingBar(spec, "ART-RL 1-D", iterations)) {
            bench = PaperBenchmark.run(seed, iterations, batch, mcSamples, bar);
        }
        List<Map<String, Object>> rows = bench.rows();
        ArtRlResult result = bench.artRl();
        double[] closed100 = bench.closedForm100();
        Map<String, double[]> grids = bench.grids();
        double wall = (System.nanoTime() - start) * 1e-9;
        if (out != null) {
            PaperBenchmark.writeGrid(bench, out);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("rows", rows);
            j.put("final_gamma", result.finalGamma());
            j.put("gamma0", result.gamma0());
            j.put("iterations", result.iterations());
            j.put("seed", seed);
            j.put("closed_form_sigmas_100", closed100);
            j.put("wall_seconds", wall);
            CliSupport.printJson(o, j);
        } else {
            o.println("Exact W2 (Monte-Carlo W2 with " + mcSamples + " samples) [paper Table 1] of Euler on the 1-D "
                    + "benchmark, T = 3:");
            StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-12s", "method"));
            for (int k : PaperBenchmark.KS) {
                h.append(String.format(Locale.ROOT, " %-23s", "K=" + k));
            }
            o.println(h);
            int r = 0;
            for (String method : PaperBenchmark.METHODS) {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s", method));
                for (int i = 0; i < PaperBenchmark.KS.length; i++, r++) {
                    Map<String, Object> row = rows.get(r);
                    Object p = row.get("paper");
                    b.append(String.format(Locale.ROOT, " %.4f (%.4f) [%s]", (double) row.get("w2_exact"),
                            (double) row.get("w2_mc"), p == null ? "----" : String.format(Locale.ROOT, "%.3f", p)));
                }
                o.println(b);
            }
            o.printf(Locale.ROOT, "ART-RL: %d iterations, gamma %.4f -> %.4f, K=2 grid %s; wall %.1f s%n",
                    result.iterations(), result.gamma0(), result.finalGamma(),
                    java.util.Arrays.toString(grids.get("art-rl/2")), wall);
            o.flush();
        }
        return CliSupport.OK;
    }
}
