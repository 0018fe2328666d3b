package dev.artsched.cli;

import dev.artsched.internal.AtomicFiles;
import dev.artsched.eval.FeatureExtractor;
import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.ImageGrid;
import dev.artsched.eval.OnnxFeatureExtractor;
import dev.artsched.training.ScheduleTraining;
import dev.artsched.training.compare.CompareOutput;
import dev.artsched.training.compare.Comparison;
import dev.artsched.training.gits.Gits;
import dev.artsched.training.refine.Refine;
import dev.artsched.scheduler.ScheduleFile;
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
import java.util.concurrent.Callable;

/**
 * {@code art demo}: the comparison on the bundled MNIST EDM denoiser. Trains the closed form, GITS and refine
 * (quick settings), ranks them with Uniform and EDM by FID and ref-rmse on held-out noises, prints the table (a
 * learned grid that loses to EDM gets a note), and writes everything (compare.json, schedule files, plots, the
 * winner's samples beside EDM's) into one output folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Compare the grid methods on the bundled MNIST model with Uniform and EDM (FID, ref-rmse).")
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

    @Option(names = "--steps", split = ",", defaultValue = "10", paramLabel = "N[,N...]",
            description = "Step counts to train and compare at (default ${DEFAULT-VALUE}: Heun NFE 19).")
    int[] steps;

    @Option(names = "--methods", split = ",", defaultValue = "closed-form,gits,refine", paramLabel = "M",
            description = "Methods to train (default ${DEFAULT-VALUE}; art-rl adds a quick ART-RL run).")
    List<String> methods;

    @Option(names = "--iterations", defaultValue = "150", paramLabel = "I",
            description = "ART-RL iterations of the quick run, when art-rl is among --methods (default "
                    + "${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--train-steps", paramLabel = "K",
            description = "ART-RL's clock steps (default N); its grid is resampled to N by the time map.")
    Integer trainSteps;

    @Option(names = "--batch", defaultValue = "8", paramLabel = "B",
            description = "ART-RL rollouts per iteration (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--rollouts", defaultValue = "32", paramLabel = "M",
            description = "Reference rollouts of the closed forms and of ART-RL's gamma_0 (default "
                    + "${DEFAULT-VALUE}: the demo is quick).")
    int rollouts;

    @Option(names = "--fine-steps", defaultValue = "100", paramLabel = "N",
            description = "Steps of the reference rollouts' EDM-spaced grid (default ${DEFAULT-VALUE}).")
    int fineSteps;

    @Option(names = "--teacher-steps", defaultValue = "30", paramLabel = "M",
            description = "GITS' teacher grid steps (default ${DEFAULT-VALUE}).")
    int teacherSteps;

    @Option(names = "--warmup", defaultValue = "32", paramLabel = "B",
            description = "GITS' warm-up noises (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--refine-iterations", defaultValue = "10", paramLabel = "I",
            description = "Refine's iterations at most (default ${DEFAULT-VALUE}).")
    int refineIterations;

    @Option(names = "--refine-noises", defaultValue = "64", paramLabel = "P",
            description = "Refine's training and validation noises each (default ${DEFAULT-VALUE}).")
    int refineNoises;

    @Option(names = "--minibatch", defaultValue = "8", paramLabel = "B",
            description = "Refine's noises per gradient (default ${DEFAULT-VALUE}).")
    int minibatch;

    @Option(names = "--reference-steps", defaultValue = "64", paramLabel = "N",
            description = "Heun steps of the reference solutions of the evaluation and of refine (default "
                    + "${DEFAULT-VALUE}).")
    int referenceSteps;

    @Option(names = "--samples", defaultValue = "500", paramLabel = "M",
            description = "Held-out samples per cell, for FID and ref-rmse (default ${DEFAULT-VALUE}).")
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
        for (int n : steps) {
            if (n < 1) {
                throw new ArtException("--steps: every step count must be >= 1, found " + n);
            }
        }
        if (trainSteps != null && trainSteps < 1) {
            throw new ArtException("--train-steps must be >= 1, found " + trainSteps);
        }
        if (iterations < 1 || batch < 1) {
            throw new ArtException("--iterations and --batch must be >= 1, found " + iterations + " and " + batch);
        }
        if (referenceSteps < 2) {
            throw new ArtException("--reference-steps must be >= 2, found " + referenceSteps);
        }
        if (rollouts < 1 || fineSteps < 1) {
            throw new ArtException("--rollouts and --fine-steps must be >= 1, found " + rollouts + " and " + fineSteps);
        }
        if (samples < 2) {
            throw new ArtException("--samples must be >= 2, found " + samples);
        }
        if (!model.matches("[A-Za-z0-9._-]+")) {
            throw new ArtException("--model must name a bundled model ([A-Za-z0-9._-]+), found '" + model + "'");
        }
    }

    private int demo() throws IOException {
        validate();
        Solver sv = Solver.parse(solver);
        List<ScheduleTraining.Method> ms = new ArrayList<>();
        for (String m : methods) {
            try {
                ms.add(ScheduleTraining.Method.parse(m));
            } catch (ArtException e) {
                throw new ArtException("--methods expected art-rl, closed-form, gits or refine, found '" + m + "'");
            }
        }
        for (int n : steps) {
            if (ms.contains(ScheduleTraining.Method.GITS) && n > teacherSteps) {
                throw new ArtException("--teacher-steps " + teacherSteps + " is coarser than N = " + n
                        + "; expected a teacher grid of at least N steps");
            }
        }
        long start = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(out);
        Path modelDir = extractModel(out.resolve("model"));
        Path denoiser = modelDir.resolve("denoiser.onnx");
        Path jvp = modelDir.resolve("denoiser_jvp.onnx");
        Path features = modelDir.resolve("features.onnx");
        Path refStats = modelDir.resolve("features_ref.json");
        note(err, "compare %s on the %s model (%s, N = %s), then FID and ref-rmse on %d held-out samples", methods,
                model, sv.id(), java.util.Arrays.toString(steps), samples);
        Gits.Config gits = new Gits.Config(teacherSteps, 4, warmup, Gits.Config.DEFAULT_COEFF, seed);
        Refine.Config refine = new Refine.Config(refineNoises, refineNoises, minibatch, refineIterations, 0.05, 30,
                referenceSteps, Refine.Gradient.AUTO, 0, seed);
        Comparison.Request request = Comparison.request(denoiser.toString(), sv, steps, out).optMethods(ms)
                .optEvaluation(samples, Comparison.EVAL_SEED, 64, referenceSteps)
                .optTraining(t -> t.optJvpGraph(jvp).optSeed(seed).optGits(gits).optRefine(refine)
                        .optReference(rollouts, fineSteps).optArtRl(ArtRlConfig.robust(seed)
                                .withTrainSteps(trainSteps != null ? trainSteps : t.artRl().trainSteps())
                                .withIterations(iterations).withBatch(batch).withGammaReference(rollouts, fineSteps)
                                .withAnneal(1.0, 0.7)));
        CompareOutput.Result result;
        Map<String, String> pictures = new LinkedHashMap<>();
        try (FeatureExtractor fx = OnnxFeatureExtractor.load(features)) {
            request.optFid(fx, features.toString(), FeatureStatsFile.read(refStats), refStats.toString());
            try (TrainingBar bar = new TrainingBar(spec, "train", 0);
                 BarProgress eval = new BarProgress(spec, "evaluate")) {
                result = Comparison.run(request, bar, eval);
            }
        }
        int show = steps[steps.length - 1];
        CompareOutput.Row winner = result.winners().get(show);
        try (DenoiserSource src = DenoiserSource.open(denoiser.toString())) {
            Denoiser d = src.denoiser();
            note(err, "sample grids (64 images each, the same seeds): the winner at N = %d (%s) and EDM", show,
                    winner.label());
            Map<String, Schedule> grids = new LinkedHashMap<>();
            grids.put("winner-" + winner.label(), ScheduleFile.read(result.files().get(show)).toSchedule());
            grids.put("edm", TimestepSchedulers.create("edm").withModelRange(d.sigmaRange()).schedule(show));
            for (Map.Entry<String, Schedule> g : grids.entrySet()) {
                float[] images = SampleCommand.sample(d, g.getValue(), sv, 64, 64, seed, spec);
                Path png = out.resolve("samples-" + g.getKey() + "-" + sv.id() + "-" + show + ".png");
                ImageGrid.write(png, images, 64, d.sampleShape(), 8, 2);
                pictures.put(g.getKey(), png.toString());
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", model);
        summary.put("solver", sv.id());
        summary.put("compare", CliSupport.json().readTree(result.json().toFile()));
        summary.put("losers_to_edm", CompareCommand.losesToEdm(result));
        summary.put("sample_grids", pictures);
        summary.put("output_folder", out.toAbsolutePath().toString());
        summary.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        byte[] bytes = CliSupport.json().writerWithDefaultPrettyPrinter().writeValueAsBytes(summary);
        try {
            AtomicFiles.write(out.resolve("demo.json"), bytes, "demo summary");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            CliSupport.printJson(o, summary);
        } else {
            o.print(CompareCommand.table(result));
            o.printf(Locale.ROOT, "%nAll outputs are in %s (demo.json, compare.json, the schedule files, plots/ and "
                    + "plots-fid/, samples-*.png). Wall time %.0f s.%n", out.toAbsolutePath(),
                    (System.nanoTime() - start) / 1e9);
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

    private static void note(PrintWriter err, String format, Object... args) {
        err.printf(Locale.ROOT, "art demo: " + format + "%n", args);
        err.flush();
    }
}
