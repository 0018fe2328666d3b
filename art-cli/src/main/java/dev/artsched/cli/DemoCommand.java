package dev.artsched.cli;

import dev.artsched.eval.ImageGrid;
import com.fasterxml.jackson.databind.JsonNode;
import dev.artsched.eval.Evaluation;
import dev.artsched.internal.AtomicFiles;
import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.ImageGrid;
import dev.artsched.eval.OnnxFeatureExtractor;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.training.rl.ArtRlConfig;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.DenoiserSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code art demo}: the main job on the bundled MNIST EDM denoiser. Learns a grid with a quick ART-RL run, then
 * measures ref-rmse and FID of Uniform, EDM and the learned grid at several NFE, prints the table, and writes
 * everything (schedule file, JSON results, plots, sample grids) into one output folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Learn a grid for the bundled MNIST model and compare it with Uniform and EDM (FID, ref-rmse).")
public final class DemoCommand implements Callable<Integer> {
    /** Folder of the bundled model inside the art-models jar. */
    static final String MODEL_DIR = "META-INF/art/models/";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "demo-out", paramLabel = "DIR",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--model", defaultValue = "mnist-edm", paramLabel = "NAME",
            description = "Bundled model (default ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--solver", defaultValue = "heun", paramLabel = "SOLVER",
            description = "Solver for training and evaluation (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--train-steps", defaultValue = "10", paramLabel = "N",
            description = "Steps of the learned grid (default ${DEFAULT-VALUE}); other step counts use the time map.")
    int trainSteps;

    @Option(names = "--steps", split = ",", defaultValue = "2,5,10", paramLabel = "N[,N...]",
            description = "Step counts to evaluate (default ${DEFAULT-VALUE}: Heun NFE 3, 9, 19).")
    int[] steps;

    @Option(names = "--iterations", defaultValue = "150", paramLabel = "I",
            description = "ART-RL iterations of the quick run (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B",
            description = "ART-RL rollouts per iteration (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rollouts", defaultValue = "32", paramLabel = "M",
            description = "Reference rollouts of the closed form and of ART-RL's gamma_0 and prior (default "
                    + "${DEFAULT-VALUE}: the demo is quick).")
    int rollouts;

    @Option(names = "--fine-steps", defaultValue = "100", paramLabel = "N",
            description = "Steps of the reference rollouts' EDM-spaced grid (default ${DEFAULT-VALUE}).")
    int fineSteps;

    @Option(names = "--reference-steps", defaultValue = "64", paramLabel = "N",
            description = "Heun steps of the ref-rmse reference solution (default ${DEFAULT-VALUE}).")
    int referenceSteps;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "M",
            description = "Samples per FID cell (default ${DEFAULT-VALUE}; ref-rmse uses at most 128).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object with every result instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        return CliSupport.run(spec, this::demo);
    }

    private void validate() {
        CliSupport.range("--train-steps", trainSteps, 1, CliSupport.MAX_STEPS);
        for (int n : steps) {
            CliSupport.range("--steps", n, 1, CliSupport.MAX_STEPS);
        }
        CliSupport.range("--iterations", iterations, 1, CliSupport.MAX_COUNT);
        CliSupport.range("--batch", batch, 1, dev.artsched.training.rl.ArtRlConfig.MAX_BATCH);
        CliSupport.range("--reference-steps", referenceSteps, 1, CliSupport.MAX_STEPS);
        CliSupport.range("--rollouts", rollouts, 1, dev.artsched.training.rl.ArtRlConfig.MAX_ROLLOUTS);
        CliSupport.range("--fine-steps", fineSteps, 1, CliSupport.MAX_STEPS);
        CliSupport.range("--samples", samples, 2, CliSupport.MAX_COUNT);
        if (!model.matches("[A-Za-z0-9._-]+")) {
            throw new ArtException("--model must name a bundled model ([A-Za-z0-9._-]+), found '" + model + "'");
        }
    }

    private int demo() throws IOException {
        validate();
        Solver.parse(solver);
        long start = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(out);
        Path modelDir = extractModel(out.resolve("model"));
        Path denoiser = modelDir.resolve("denoiser.onnx");
        Path jvp = modelDir.resolve("denoiser_jvp.onnx");
        Path features = modelDir.resolve("features.onnx");
        Path refStats = modelDir.resolve("features_ref.json");
        Solver sv = Solver.parse(solver);

        Path grid = out.resolve("art-rl-" + model + "-" + sv.id() + "-" + trainSteps + ".json");
        note(err, "1/5 ART-RL: %d iterations x %d rollouts on the %s model (%s, N = %d)", iterations, batch, model,
                sv.id(), trainSteps);
        ArtRlConfig config = ArtRlConfig.robust(seed).withTrainSteps(trainSteps).withIterations(iterations)
                .withBatch(batch).withGammaReference(rollouts, fineSteps).withAnneal(1.0, 0.7);
        try (TrainingBar bar = new TrainingBar(spec, "ART-RL", iterations)) {
            ScheduleTraining.train(ScheduleTraining.request(denoiser.toString(), trainSteps, sv,
                    ScheduleTraining.Method.ART_RL, grid).optJvpGraph(jvp).optArtRl(config).optGuard(false), bar);
        }

        Path closed = out.resolve("closed-form-" + model + "-" + sv.id() + "-" + trainSteps + ".json");
        note(err, "2/5 ART closed form (training-free, %d reference rollouts on a %d-step grid)", rollouts,
                fineSteps);
        ScheduleTraining.train(ScheduleTraining.request(denoiser.toString(), trainSteps, sv,
                ScheduleTraining.Method.CLOSED_FORM, closed).optJvpGraph(jvp).optSeed(seed)
                .optReference(rollouts, fineSteps).optGuard(false), null);

        List<String> schedules = List.of("uniform", "edm", "art:path=" + grid, "art:path=" + closed);
        JsonNode fid;
        JsonNode rmse;
        Map<String, String> pictures = new LinkedHashMap<>();
        try (DenoiserSource src = DenoiserSource.open(denoiser.toString())) {
            Denoiser d = src.denoiser();
            List<Evaluation.Candidate> candidates = new ArrayList<>();
            for (String s : schedules) {
                candidates.add(new Evaluation.Candidate(s,
                        TimestepSchedulers.create(s).withModelRange(d.sigmaRange())));
            }
            note(err, "3/5 FID (%d samples per cell, features of a digit classifier, 10k real digits)", samples);
            try (FeatureExtractor fx = OnnxFeatureExtractor.load(features)) {
                Evaluation.Request fidRequest = Evaluation.builder(d, src.spec()).setSchedules(candidates)
                        .setSteps(steps).optSolver(sv).optSamples(samples, seed).optPlots(out.resolve("fid"))
                        .optFid(fx, features.toString(), FeatureStatsFile.read(refStats), refStats.toString(), null);
                fid = evaluate(fidRequest);
            }
            int rmseSamples = Math.min(samples, 128);
            note(err, "4/5 ref-rmse against a %d-step Heun reference from the same noise (%d samples)",
                    referenceSteps, rmseSamples);
            rmse = evaluate(Evaluation.builder(d, src.spec()).setSchedules(candidates).setSteps(steps).optSolver(sv)
                    .optSamples(rmseSamples, seed).optReference(referenceSteps, 7.0, null)
                    .optPlots(out.resolve("ref-rmse")));

            note(err, "5/5 sample grids (64 images per schedule, same seeds)");
            int show = steps[steps.length - 1];
            for (Evaluation.Candidate c : candidates) {
                String s = c.label();
                Schedule g = c.scheduler().schedule(show);
                float[] images = SampleCommand.sample(d, g, sv, 64, 64, seed, spec);
                String label = s.equals("art:path=" + grid) ? "art-rl" : s.startsWith("art:") ? "closed-form" : s;
                Path png = out.resolve("samples-" + label + "-" + sv.id() + "-" + show + ".png");
                ImageGrid.write(png, images, 64, d.sampleShape(), 8, 2);
                pictures.put(label, png.toString());
            }
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model);
        result.put("solver", sv.id());
        result.put("schedule_file", grid.toString());
        result.put("closed_form_file", closed.toString());
        result.put("fid", fid);
        result.put("ref_rmse", rmse);
        result.put("sample_grids", pictures);
        result.put("output_folder", out.toAbsolutePath().toString());
        result.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        byte[] summary = CliSupport.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(result);
        try {
            AtomicFiles.write(out.resolve("demo.json"), summary, "demo summary");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            CliSupport.printJson(o, result);
        } else {
            o.print(table(fid, rmse));
            o.printf(Locale.ROOT, "%nAll outputs are in %s (demo.json, the schedule file, fid/ and ref-rmse/ plots,"
                    + " samples-*.png). Wall time %.0f s.%n", out.toAbsolutePath(), (System.nanoTime() - start) / 1e9);
            o.flush();
        }
        return CliSupport.OK;
    }

    /** Copies the bundled model files from the classpath into {@code dir}. */
    private Path extractModel(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("denoiser.onnx", "denoiser_jvp.onnx", "features.onnx", "features_ref.json")) {
            String res = MODEL_DIR + model + "/" + f;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(res)) {
                if (in == null) {
                    throw new ArtException("bundled model '" + model + "' is missing " + res
                            + " on the classpath (expected the art-models jar)");
                }
                Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /** Evaluates with a progress bar; returns the report as the {@code eval --json} object. */
    private JsonNode evaluate(Evaluation.Request request) {
        try (BarProgress bar = new BarProgress(spec, "eval " + request.metric().id())) {
            return CliSupport.json().valueToTree(Evaluation.run(request, bar).report().toJson());
        }
    }

    private static String table(JsonNode fid, JsonNode rmse) {
        Map<String, Map<Integer, double[]>> cells = new LinkedHashMap<>();
        Map<Integer, Integer> nfe = new TreeMap<>();
        collect(fid, 0, cells, nfe);
        collect(rmse, 1, cells, nfe);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s", "schedule"));
        for (Map.Entry<Integer, Integer> e : nfe.entrySet()) {
            sb.append(String.format(Locale.ROOT, " | N=%d NFE=%d FID / ref-rmse", e.getKey(), e.getValue()));
        }
        sb.append('\n');
        for (Map.Entry<String, Map<Integer, double[]>> row : cells.entrySet()) {
            String name = row.getKey().startsWith("art:path=") && row.getKey().contains("closed-form")
                    ? "art closed form" : row.getKey().startsWith("art:") ? "art-rl (quick run)" : row.getKey();
            sb.append(String.format(Locale.ROOT, "%-28s", name));
            for (Integer n : nfe.keySet()) {
                double[] v = row.getValue().getOrDefault(n, new double[] {Double.NaN, Double.NaN});
                sb.append(String.format(Locale.ROOT, " | %14.3f / %-11.4f", v[0], v[1]));
            }
            sb.append('\n');
        }
        Map<Integer, double[]> edm = cells.getOrDefault("edm", Map.of());
        for (Map.Entry<String, Map<Integer, double[]>> row : cells.entrySet()) {
            if (!row.getKey().startsWith("art:")) {
                continue;
            }
            for (Map.Entry<Integer, double[]> c : row.getValue().entrySet()) {
                double[] e = edm.get(c.getKey());
                if (e != null && c.getValue()[0] > e[0]) {
                    sb.append(String.format(Locale.ROOT, "note: %s loses to EDM at N=%d (FID %.3f vs %.3f)%n",
                            row.getKey().contains("closed-form") ? "art closed form" : "art-rl (quick run)",
                            c.getKey(), c.getValue()[0], e[0]));
                }
            }
        }
        return sb.toString();
    }

    private static void collect(JsonNode report, int col, Map<String, Map<Integer, double[]>> cells,
                                Map<Integer, Integer> nfe) {
        for (JsonNode r : report.path("rows")) {
            String s = r.path("schedule").asText();
            int n = r.path("steps").asInt();
            nfe.put(n, r.path("nfe").asInt());
            cells.computeIfAbsent(s, k -> new LinkedHashMap<>())
                    .computeIfAbsent(n, k -> new double[] {Double.NaN, Double.NaN})[col] = r.path("value").asDouble();
        }
    }

    private static void note(PrintWriter err, String format, Object... args) {
        err.printf(Locale.ROOT, "art demo: " + format + "%n", args);
        err.flush();
    }
}
