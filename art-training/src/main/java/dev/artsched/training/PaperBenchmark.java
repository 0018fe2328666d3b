package dev.artsched.training;

import com.google.inject.Injector;
import dev.artsched.eval.Gaussian1dW2;
import dev.artsched.scheduler.Resampling;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.training.problem.Rng;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.training.rl.ArtRlResult;
import dev.artsched.training.rl.ArtRlTrainer;
import dev.artsched.training.run.TrainingListener;
import dev.artsched.training.run.TrainingRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ART paper's 1-D benchmark (its Table 1): one ART-RL run at K = 100 with the paper's recipe on the exact
 * 1-D model, resampled by the time map to every K, next to the ART closed form and the Uniform, EDM (rho 7) and
 * EDM-T (rho 3) grids; exact and Monte-Carlo W2 of Euler's output, with the paper's values beside them.
 */
public final class PaperBenchmark {
    /** The step counts of the paper's table. */
    public static final int[] KS = {2, 5, 10, 20, 50, 100};
    /** The methods in table order. */
    public static final List<String> METHODS = List.of("uniform", "edm-t", "edm", "closed-form", "art-rl");
    private static final Map<String, double[]> PAPER = Map.of(
            "uniform", new double[] {.468, .215, .114, .060, .027, .016},
            "edm-t", new double[] {.414, .195, .105, .056, .025, .015},
            "edm", new double[] {.664, .319, .177, .094, .041, .023},
            "art-rl", new double[] {.345, .149, .079, .042, .020, .013});

    private PaperBenchmark() {
    }

    /**
     * The table and the run behind it.
     *
     * @param rows            one row per method and K: method, K, w2_exact, w2_mc, paper (and the sigmas for K <= 5)
     * @param artRl           the ART-RL run
     * @param closedForm100   the closed-form grid at K = 100
     * @param grids           every grid by {@code method/K}
     */
    public record Result(List<Map<String, Object>> rows, ArtRlResult artRl, double[] closedForm100,
                         Map<String, double[]> grids) {
    }

    /** Runs the benchmark: {@code iterations} x {@code batch} rollouts, W2 with {@code mcSamples} samples. */
    public static Result run(long seed, int iterations, int batch, int mcSamples, TrainingListener listener) {
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
            result = trainer.train(config, new TrainingRun(null, false, null, listener));
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
        return new Result(rows, result, closed100, grids);
    }

    /** Writes the K = 100 ART-RL grid of a run as a schedule file. */
    public static void writeGrid(Result r, Path out) {
        Map<String, Object> training = new LinkedHashMap<>(r.artRl().training());
        training.put("solver", Solver.EULER.id());
        new ScheduleFile("art-rl-gauss1d-euler-100", r.artRl().sigmas(), Solver.EULER, 0.002, 3.0, "art-rl",
                training, Map.of()).write(out);
    }
}
