package dev.artsched.cli;

import dev.artsched.scheduler.Resampling;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.ArtRlResult;
import dev.artsched.training.rl.ArtRlTrainer;
import dev.artsched.training.DenoiserSource;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.TrainingModules;
import dev.artsched.training.run.TrainingRun;
import dev.artsched.eval.Gaussian1dW2;
import com.google.inject.Injector;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art paper-1d}: reproduces the ART paper's 1-D benchmark (ART.md section 4). One ART-RL run at K = 100
 * on the exact 1-D model, resampled by the time map to every K, next to the ART closed form and the Uniform,
 * EDM (rho 7) and EDM-T (rho 3) grids; exact and Monte-Carlo W2 of Euler's output against the paper's Table 1.
 */
@Command(name = "paper-1d", mixinStandardHelpOptions = true,
        description = "Reproduce the ART paper's 1-D table (exact and Monte-Carlo W2).")
public final class Paper1dCommand implements Callable<Integer> {
    /** The step counts of the paper's table. */
    static final int[] KS = {2, 5, 10, 20, 50, 100};
    /** The methods in table order. */
    static final String[] METHODS = {"uniform", "edm-t", "edm", "closed-form", "art-rl"};
    private static final Map<String, double[]> PAPER = Map.of(
            "uniform", new double[] {.468, .215, .114, .060, .027, .016},
            "edm-t", new double[] {.414, .195, .105, .056, .025, .015},
            "edm", new double[] {.664, .319, .177, .094, .041, .023},
            "art-rl", new double[] {.345, .149, .079, .042, .020, .013});

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
        return CliSupport.run(spec, this::execute);
    }

    private Integer execute() {
        long start = System.nanoTime();
        Map<String, double[]> grids = new LinkedHashMap<>();
        Injector injector = TrainingModules.injector(TrainingModules.standard("analytic:gauss1d",
                TrainingModules.JvpStrategy.GRAPH, null, null, null));
        ArtRlResult result;
        double[] closed100;
        try (DenoiserSource source = TrainingModules.get(injector, DenoiserSource.class)) {
            ArtProblem problem = TrainingModules.get(injector, ArtProblem.class);
            ReferenceRollouts ref = ReferenceRollouts.run(problem, 1024, 1000, new Rng(seed));
            closed100 = ArtClosedForm.sigmas(ref, 100);
            for (int k : KS) {
                grids.put("closed-form/" + k, ArtClosedForm.sigmas(ref, k));
            }
            ArtRlConfig config = ArtRlConfig.paper(seed).withIterations(iterations).withBatch(batch);
            ArtRlTrainer trainer = TrainingModules.get(injector, ArtRlTrainer.class);
            try (ProgressBar bar = CliSupport.progressBar(spec, "ART-RL 1-D", iterations)) {
                result = trainer.train(config, new TrainingRun(null, false, null, TrainCommand.progress(bar)));
            }
        }
        for (int k : KS) {
            grids.put("uniform/" + k, TimestepSchedulers.schedule("uniform:sigma_max=3,sigma_min=0", k).sigmas());
            grids.put("edm/" + k, TimestepSchedulers.schedule("edm:rho=7,sigma_max=3,sigma_min=0", k).sigmas());
            grids.put("edm-t/" + k, TimestepSchedulers.schedule("edm:rho=3,sigma_max=3,sigma_min=0", k).sigmas());
            grids.put("art-rl/" + k, Resampling.timeMap(result.sigmas(), k));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String method : METHODS) {
            for (int i = 0; i < KS.length; i++) {
                double[] s = grids.get(method + "/" + KS[i]);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("method", method);
                row.put("K", KS[i]);
                row.put("w2_exact", Gaussian1dW2.exact(s));
                row.put("w2_mc", Gaussian1dW2.monteCarlo(s, mcSamples, seed + 1000L * i + 17));
                row.put("paper", PAPER.containsKey(method) ? PAPER.get(method)[i] : null);
                if (KS[i] <= 5) {
                    row.put("sigmas", s);
                }
                rows.add(row);
            }
        }
        double wall = (System.nanoTime() - start) * 1e-9;
        if (out != null) {
            Map<String, Object> training = new LinkedHashMap<>(result.training());
            training.put("solver", Solver.EULER.id());
            new ScheduleFile("art-rl-gauss1d-euler-100", result.sigmas(), Solver.EULER, 0.002, 3.0, "art-rl",
                    training, Map.of()).write(out);
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
            for (int k : KS) {
                h.append(String.format(Locale.ROOT, " %-23s", "K=" + k));
            }
            o.println(h);
            int r = 0;
            for (String method : METHODS) {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-12s", method));
                for (int i = 0; i < KS.length; i++, r++) {
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
