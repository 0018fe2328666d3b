package dev.artsched.cli;

import dev.artsched.eval.ImageGrid;
import dev.artsched.eval.ImageSampling;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.training.DenoiserSource;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art sample}: samples an image denoiser on one grid and writes the images as a PNG grid. Every sample has
 * its own seed (run seed + index), so the same command always draws the same images.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample an image model on a grid and write a PNG grid of the results.",
        footer = {"", "Example:",
            "  art sample --denoiser models/mnist-edm/denoiser.onnx --scheduler edm --steps 18 --seed 0 --out grid.png"})
public final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--denoiser", required = true, paramLabel = "MODEL", description = "ONNX denoiser file.")
    String denoiser;

    @Option(names = "--scheduler", defaultValue = "edm", paramLabel = "SPEC",
            description = "Scheduler spec (default ${DEFAULT-VALUE}; the model's sigma range unless the spec sets it).")
    String scheduler;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps.")
    int steps;

    @Option(names = "--solver", defaultValue = "heun", paramLabel = "SOLVER", description = "euler or heun (default ${DEFAULT-VALUE}).")
    String solver;

    @Option(names = "--samples", defaultValue = "64", paramLabel = "M", description = "Number of images (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed; sample i uses seed S and index i.")
    long seed;

    @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Images per denoiser call (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--out", required = true, paramLabel = "FILE.png",
            description = "PNG grid to write (samples [C, H, W] with C = 1 or 3), or FILE.npy: the raw samples as a "
                    + "float32 array [M, ...] (e.g. latents for a VAE).")
    Path out;

    @Option(names = "--json", description = "Print one JSON object describing the result.")
    boolean json;

    @picocli.CommandLine.Mixin
    ConditioningOptions model = new ConditioningOptions();

    @Option(names = "--force", description = "Replace a symbolic link at an output path with a regular file (the "
            + "link itself, never its target; FIFOs, directories and devices are never replaced).")
    boolean force;

    @Override
    public Integer call() {
        return CliSupport.run(spec, () -> {
            CliSupport.range("--steps", steps, 1, CliSupport.MAX_STEPS);
            if (samples < 1 || samples > 10_000) {
                throw new ArtException("--samples must be in 1..10000, found " + samples);
            }
            CliSupport.range("--batch", batch, 1, CliSupport.MAX_BATCH);
            Solver sv = Solver.parse(solver);
            dev.artsched.training.DenoiserOptions options = model.toOptions(seed);
            try (Outputs files = model.inputs(new Outputs().model("--denoiser", denoiser).spec("--scheduler",
                    scheduler)).output("--out", out).check(force).lock(CliSupport.owner(spec));
                 DenoiserSource source = DenoiserSource.open(denoiser, options)) {
                Denoiser d = source.denoiser();
                long[] shape = d.sampleShape();
                boolean npy = out.getFileName() != null && out.getFileName().toString().endsWith(".npy");
                if (shape.length != 3 && !npy) {
                    throw new ArtException("art sample writes images: expected a model whose samples have shape "
                            + "[C, H, W], found " + Arrays.toString(shape) + " (" + denoiser + ")");
                }
                TimestepScheduler s = TimestepSchedulers.create(scheduler).withModelRange(d.sigmaRange());
                Schedule grid = s.schedule(steps);
                float[] images = sample(d, grid, sv, samples, batch, seed, spec);
                if (npy) {
                    ImageGrid.writeNpy(out, images, samples, shape);
                } else if (source.provenance().get("conditioning") instanceof Map<?, ?> c) {
                    labelled(c, images, shape);
                } else {
                    ImageGrid.write(out, images, samples, shape, 0, 2);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("out", out.toString());
                result.put("scheduler", s.name());
                result.put("steps", steps);
                result.put("solver", sv.id());
                result.put("nfe", grid.nfe(sv));
                result.put("samples", samples);
                result.put("seed", seed);
                result.put("sigmas", grid.sigmas());
                if (source.provenance().get("conditioning") != null) {
                    result.put("conditioning", source.provenance().get("conditioning"));
                }
                if (json) {
                    CliSupport.printJson(spec.commandLine().getOut(), result);
                } else {
                    spec.commandLine().getOut().printf("wrote %d samples (%s, %d steps, NFE %d) to %s%n", samples,
                            CliSupport.oneLine(s.name()), steps, grid.nfe(sv), CliSupport.oneLine(out.toString()));
                    spec.commandLine().getOut().flush();
                }
            }
            return CliSupport.OK;
        });
    }

    /**
     * One row per conditioning row (a class, a prompt), labelled with its values: sample i used row
     * {@code row_order[(i mod batch) mod M]}.
     */
    private void labelled(Map<?, ?> provenance, float[] images, long[] shape) {
        dev.artsched.sampling.conditional.Conditioning set =
                dev.artsched.sampling.conditional.ConditioningFiles.read(model.cond);
        List<?> order = (List<?>) provenance.get("row_order");
        int m = set.rows();
        int[] group = new int[samples];
        for (int i = 0; i < samples; i++) {
            int b = (i % batch) % m;
            group[i] = b < order.size() ? ((Number) order.get(b)).intValue() : b;
        }
        List<String> labels = new java.util.ArrayList<>();
        for (int r = 0; r < m; r++) {
            StringBuilder l = new StringBuilder();
            for (dev.artsched.sampling.conditional.Conditioning.Array a : set.arrays()) {
                l.append(l.length() == 0 ? "" : " ").append(a.name()).append('=');
                double v = a.rowSize() == 1 ? a.value(r, 0) : Double.NaN;
                l.append(Double.isNaN(v) ? "row " + r : v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v));
            }
            labels.add(l.toString());
        }
        ImageGrid.writeLabelled(out, images, samples, shape, group, labels, 2);
    }

    /** Samples {@code count} images with per-sample seeds, in batches, with a progress bar on stderr. */
    static float[] sample(Denoiser d, Schedule grid, Solver solver, int count, int batch, long seed, CommandSpec spec) {
        try (ProgressBar bar = CliSupport.progressBar(spec, "sampling", (long) count * grid.nfe(solver))) {
            return ImageSampling.sample(d, grid, solver, count, batch, seed, bar::stepTo);
        }
    }
}
