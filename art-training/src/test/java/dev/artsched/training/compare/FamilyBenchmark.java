package dev.artsched.training.compare;

import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.closedform.ArtClosedForm;
import dev.artsched.training.closedform.HeunClosedForm;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;
import dev.artsched.training.refine.Refine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model-family benchmark: on zoo members (exact analytic mixtures, double precision) every grid method is
 * trained for Euler and Heun at each N and scored by ref-rmse on test noises used by no learner (seed 777000 +
 * member seed, 16384 noises, a 512-step Heun reference). The command is in docs/BENCHMARKS.md:
 * {@code FamilyBenchmark FIRST_SEED COUNT} on the art-training test class path.
 */
public final class FamilyBenchmark {
    /** The methods of a cell, in table order. */
    public static final List<String> METHODS = List.of("uniform", "edm", "art-closed-form", "heun-closed-form", "gits",
            "refine");

    private FamilyBenchmark() {
    }

    /** One member's ref-rmse per method and N, refine with its defaults. */
    public static Map<String, double[]> member(long seed, Solver solver, int[] steps, int testNoises) {
        return member(seed, solver, steps, testNoises, Refine.Config.defaults(0));
    }

    /** One member's ref-rmse per method and N. */
    public static Map<String, double[]> member(long seed, Solver solver, int[] steps, int testNoises,
                                               Refine.Config refine) {
        ModelZoo.Member m = ModelZoo.member(seed);
        DoubleDenoiser model = DoubleDenoiser.withJvp(m.model());
        double t = m.sigmaMax();
        double smin = ModelZoo.SIGMA_MIN;
        int d = m.dim();
        double[] z = GridSolver.noise(777_000 + seed, testNoises, d);
        double[] ref = GridSolver.solve(model, Solver.HEUN, GridSolver.edmGrid(t, smin, 512, 7), z, testNoises);
        HeunClosedForm.Density density = solver == Solver.HEUN
                ? HeunClosedForm.density(model, t, smin, 128, 64, 0) : null;
        var rollouts = dev.artsched.training.problem.ReferenceRollouts.run(
                AnalyticModels.problem(m.name(), AnalyticModels.exactFlow(m.name()), t, smin), 256, 1000,
                new dev.artsched.training.problem.Rng(0));
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String method : METHODS) {
            out.put(method, new double[steps.length]);
        }
        for (int i = 0; i < steps.length; i++) {
            int n = steps[i];
            Map<String, double[]> grids = new LinkedHashMap<>();
            double[] uni = new double[n + 1];
            for (int k = 0; k <= n; k++) {
                uni[k] = t * (1 - (double) k / n);
            }
            grids.put("uniform", uni);
            grids.put("edm", GridSolver.edmGrid(t, smin, n, 7));
            grids.put("art-closed-form", ArtClosedForm.sigmas(rollouts, n));
            if (solver == Solver.HEUN) {
                grids.put("heun-closed-form", HeunClosedForm.sigmas(density, n));
            }
            grids.put("gits", Gits.search(model, solver, t, smin, n, Gits.Config.defaults(0), null).sigmas());
            List<Refine.Start> starts = new ArrayList<>();
            for (Map.Entry<String, double[]> e : grids.entrySet()) {
                starts.add(new Refine.Start(e.getKey(), e.getValue()));
            }
            grids.put("refine", Refine.run(model, solver, smin, starts, refine, null).sigmas());
            out.get("heun-closed-form")[i] = Double.NaN;
            for (Map.Entry<String, double[]> e : grids.entrySet()) {
                double loss = GridSolver.loss(GridSolver.solve(model, solver, e.getValue(), z, testNoises), ref, d);
                out.get(e.getKey())[i] = Math.sqrt(loss);
            }
        }
        return out;
    }

    /** Prints one line per cell, then the summary: worst refine ratio, median Heun N = 10 ratio, GITS wins. */
    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int[] steps = {5, 10, 18};
        List<double[]> ratiosBest = new ArrayList<>();
        List<Double> heun10 = new ArrayList<>();
        List<Double> heun10Solver = new ArrayList<>();
        int gitsWins = 0;
        int cells = 0;
        System.out.println("member | solver | N | " + String.join(" | ", METHODS) + " | refine/best-other");
        for (long s = first; s < first + count; s++) {
            for (Solver solver : Solver.values()) {
                long t0 = System.nanoTime();
                Map<String, double[]> r = member(s, solver, steps, 16384);
                for (int i = 0; i < steps.length; i++) {
                    double best = Double.POSITIVE_INFINITY;
                    StringBuilder b = new StringBuilder(ModelZoo.member(s).describe() + " | " + solver.id() + " | "
                            + steps[i]);
                    for (String m : METHODS) {
                        double v = r.get(m)[i];
                        b.append(String.format(Locale.ROOT, " | %.4g", v));
                        if (!m.equals("refine") && !Double.isNaN(v)) {
                            best = Math.min(best, v);
                        }
                    }
                    double ratio = r.get("refine")[i] / best;
                    ratiosBest.add(new double[] {ratio});
                    if (solver == Solver.HEUN && steps[i] == 10) {
                        heun10.add(r.get("refine")[i] / r.get("art-closed-form")[i]);
                        heun10Solver.add(r.get("refine")[i] / r.get("heun-closed-form")[i]);
                    }
                    if (r.get("gits")[i] < r.get("edm")[i]) {
                        gitsWins++;
                    }
                    cells++;
                    System.out.println(b.append(String.format(Locale.ROOT, " | %.3f", ratio)));
                }
                System.err.printf(Locale.ROOT, "zoo-%d %s: %.1f s%n", s, solver.id(), (System.nanoTime() - t0) / 1e9);
            }
        }
        double worst = ratiosBest.stream().mapToDouble(x -> x[0]).max().orElse(Double.NaN);
        double[] h = heun10.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = median(h);
        double[] hs = heun10Solver.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "cells %d: worst refine / best other %.4f; median Heun N=10 refine / ART closed "
                + "form %.3f %s; refine / Heun closed form %.3f; GITS below EDM in %d of %d cells (%.0f%%)%n", cells,
                worst, median, Arrays.toString(Arrays.stream(h).map(x -> Math.round(x * 1000) / 1000.0).toArray()),
                median(hs), gitsWins, cells, 100.0 * gitsWins / cells);
    }

    private static double median(double[] h) {
        return h.length == 0 ? Double.NaN : h.length % 2 == 1 ? h[h.length / 2]
                : 0.5 * (h[h.length / 2 - 1] + h[h.length / 2]);
    }
}
