package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.DenoiserSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated hostile command lines and ONNX graphs (seeded): every run must end with exit 0, 1 or 2, never 70; no
 * stack trace or exception name on stderr; an error is exactly one {@code art: error:} line (plus picocli's hint
 * for usage errors); and no input file changes. The counts come from {@code art.clifuzz.cases} and
 * {@code art.onnxfuzz.cases} (the {@code fuzz} profile raises them to 10,000 each; docs/RELIABILITY.md).
 */
class CliFuzzTest {
    private static final int CLI_CASES = Integer.getInteger("art.clifuzz.cases", 300);
    private static final int ONNX_CASES = Integer.getInteger("art.onnxfuzz.cases", 300);
    private static final Path MODELS = Path.of("..", "models");

    @TempDir
    Path dir;
    private Path model;
    private Path jvp;
    private Path grid;
    private Path list;
    private Path linkTarget;
    private final List<Path> protectedFiles = new ArrayList<>();
    private final List<String> pathPool = new ArrayList<>();

    @BeforeEach
    void files() throws Exception {
        model = Files.copy(MODELS.resolve("gauss1d").resolve("denoiser.onnx"), dir.resolve("model.onnx"));
        jvp = Files.copy(MODELS.resolve("gauss1d").resolve("denoiser_jvp.onnx"), dir.resolve("jvp.onnx"));
        grid = dir.resolve("grid.json");
        assertThat(CliRun.run("schedule", "--scheduler", "edm:sigma_max=3", "--steps", "4", "--out",
                grid.toString()).exitCode()).isZero();
        list = Files.writeString(dir.resolve("list.txt"), "[3.0, 1.5, 0.7, 0.2, 0.02]");
        linkTarget = Files.writeString(dir.resolve("link-target.txt"), "never written");
        Files.createSymbolicLink(dir.resolve("link.json"), linkTarget);
        Files.createDirectory(dir.resolve("folder"));
        Process p = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        protectedFiles.addAll(List.of(model, jvp, grid, list, linkTarget));
        for (String s : List.of("model.onnx", "jvp.onnx", "grid.json", "list.txt", "link.json", "folder", "fifo",
                "out.json", "out.png", "out.ckpt", "missing/dir/x.json", "folder/../out.json", "a,b.json",
                "\u00e9t\u00e9.json", "link-target.txt")) {
            pathPool.add(dir.resolve(s).toString());
        }
        pathPool.addAll(List.of("", " ", "/", "/proc/self/fd/1", "/dev/null", "-", "--out", "x\u0000y"));
    }

    private static final String[] NUMBERS = {"-1", "0", "1", "2", "3", "abc", "NaN", "1e999", "", "2147483647",
        "-2147483648", "99999999999", "1e30", "0x10", "1.5", " 7", "-0", "Infinity", "1e-300", "1,2", "2,3,5", "+3"};
    private static final String[] WORDS = {"euler", "heun", "EULER", "rk4", "", "art-rl", "closed-form", "fid",
        "ref-rmse", "robust", "paper", "text", "json", "csv", "diffusers", "comfyui", "append", "replace", "fd",
        "graph", "auto", "t-x-psi", "summary6", "\u001b[31mred", "line\nbreak", "x".repeat(5000), "\u202eevil",
        "analytic:gauss1d", "analytic:mixture2d", "analytic:nope", "edm", "edm:rho=1e308", "uniform:sigma_max=3",
        "art:path=", "kl_optimal", "vp", "beta", "exponential:sigma_min=0", "nope:x=1", "edm:rho", "edm:,", ":"};

    private record Command(String name, String[] required, String[] numeric, String[] words, String[] inputs,
                           String[] outputs, String[] flags) {
    }

    private static final Command[] COMMANDS = {
        new Command("schedule", new String[] {"--scheduler", "edm", "--steps", "3"},
                new String[] {"--steps"}, new String[] {"--scheduler", "--format", "--solver"}, new String[0],
                new String[] {"--out"}, new String[] {"--json", "--force"}),
        new Command("import", new String[] {"--name", "n", "--sigmas", "[3, 1, 0.1]", "--out", "OUT"},
                new String[0], new String[] {"--name", "--sigmas", "--terminal"}, new String[] {"--from"},
                new String[] {"--out"}, new String[] {"--json", "--force"}),
        new Command("train", new String[] {"--denoiser", "analytic:gauss1d", "--steps", "3", "--solver", "euler",
            "--method", "closed-form", "--rollouts", "4", "--fine-steps", "10", "--out", "OUT"},
                new String[] {"--steps", "--rollouts", "--fine-steps", "--batch", "--seed", "--sigma-max",
                    "--sigma-min", "--lambda", "--distill", "--train-steps", "--checkpoint-every"},
                new String[] {"--solver", "--method", "--name", "--features", "--jvp-strategy", "--preset"},
                new String[] {"--denoiser", "--jvp"}, new String[] {"--out", "--checkpoint", "--metrics"},
                new String[] {"--json", "--force", "--trust-jvp"}),
        new Command("eval", new String[] {"--denoiser", "analytic:gauss1d", "--schedule", "edm", "--steps", "2",
            "--samples", "4", "--reference-steps", "4"},
                new String[] {"--steps", "--samples", "--batch", "--seed", "--reference-steps", "--reference-rho",
                    "--reference-sigma-min"},
                new String[] {"--schedule", "--solver", "--metric"}, new String[] {"--denoiser", "--features",
                    "--ref-stats"}, new String[] {"--save-ref-stats", "--plots"}, new String[] {"--json"}),
        new Command("sample", new String[] {"--denoiser", "MODEL", "--steps", "2", "--samples", "1", "--out",
            "OUT"},
                new String[] {"--steps", "--samples", "--batch", "--seed"}, new String[] {"--scheduler", "--solver"},
                new String[] {"--denoiser"}, new String[] {"--out"}, new String[] {"--json", "--force"}),
    };

    private static final List<String> OUTPUT_OPTIONS = List.of("--out", "--checkpoint", "--metrics",
            "--save-ref-stats");
    private static final List<String> INPUT_OPTIONS = List.of("--denoiser", "--jvp", "--from", "--features",
            "--ref-stats", "--scheduler", "--schedule");
    private final Map<Path, byte[]> originals = new LinkedHashMap<>();
    private int changedOutputs;

    /** Whether {@code file} is the value of one of {@code options} (a spec's path= counts for the spec options). */
    private static boolean named(String[] args, Path file, List<String> options) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (options.contains(args[i]) && (args[i + 1].equals(file.toString())
                    || args[i + 1].contains("path=" + file))) {
                return true;
            }
        }
        return false;
    }

    private void restore() throws IOException {
        for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
            if (!Files.isRegularFile(e.getKey(), LinkOption.NOFOLLOW_LINKS)
                    || !java.util.Arrays.equals(Files.readAllBytes(e.getKey()), e.getValue())) {
                Files.deleteIfExists(e.getKey());
                Files.write(e.getKey(), e.getValue());
            }
        }
    }

    @Test
    void generatedCommandLinesNeverEscape() throws Exception {
        for (Path p : protectedFiles) {
            originals.put(p, Files.readAllBytes(p));
        }
        Map<Path, String> before = hashes();
        SplittableRandom r = new SplittableRandom(20261201L);
        int[] exits = new int[3];
        for (int c = 0; c < CLI_CASES; c++) {
            String[] args = commandLine(r);
            CliRun run = CliRun.run(args);
            String where = "case " + c + ": " + String.join(" | ", args);
            assertThat(run.exitCode()).as(where + "\nstderr: " + run.err()).isIn(0, 1, 2);
            exits[run.exitCode()]++;
            assertThat(run.err()).as(where).doesNotContain("\tat ").doesNotContain("Exception")
                    .doesNotContain("unexpected java.").doesNotContain("--verbose for the stack trace");
            if (run.exitCode() != 0) {
                String[] lines = run.errLines();
                assertThat(lines.length).as(where + "\n" + run.err()).isBetween(1, 2);
                assertThat(lines[0]).as(where).startsWith(CliSupport.PREFIX);
                assertThat(run.err()).as(where).doesNotContain("\u001b");
            }
            Map<Path, String> after = hashes();
            for (Map.Entry<Path, String> e : before.entrySet()) {
                if (!e.getValue().equals(after.get(e.getKey()))) {
                    // only a file this case named as an output, and not as an input, may change
                    assertThat(named(args, e.getKey(), OUTPUT_OPTIONS)).as(where + ": changed " + e.getKey()).isTrue();
                    assertThat(named(args, e.getKey(), INPUT_OPTIONS)).as(where + ": input changed " + e.getKey())
                            .isFalse();
                    changedOutputs++;
                }
            }
            restore();
            cleanOutputs();
        }
        System.out.printf("CLI fuzz: %d cases, exit 0: %d, exit 1: %d, exit 2: %d, exit 70: 0; %d named outputs "
                + "replaced, 0 inputs changed%n", CLI_CASES, exits[0], exits[1], exits[2], changedOutputs);
    }

    private String[] commandLine(SplittableRandom r) {
        Command cmd = COMMANDS[r.nextInt(COMMANDS.length)];
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < cmd.required().length; i += 2) {
            opts.put(cmd.required()[i], cmd.required()[i + 1].replace("OUT", dir.resolve("out.json").toString())
                    .replace("MODEL", model.toString()));
        }
        int changes = 1 + r.nextInt(4);
        List<String> extra = new ArrayList<>();
        for (int k = 0; k < changes; k++) {
            int kind = r.nextInt(10);
            if (kind < 3 && cmd.numeric().length > 0) {
                opts.put(pick(r, cmd.numeric()), pick(r, NUMBERS));
            } else if (kind < 5) {
                opts.put(pick(r, cmd.words()), r.nextInt(4) == 0 ? "art:path=" + pick(r, pathPool) : pick(r, WORDS));
            } else if (kind < 6 && cmd.inputs().length > 0) {
                String o = pick(r, cmd.inputs());
                if (o.equals("--from")) {
                    opts.remove("--sigmas");
                }
                opts.put(o, r.nextBoolean() ? pick(r, pathPool) : List.of(model, jvp, grid, list)
                        .get(r.nextInt(4)).toString());
            } else if (kind < 8) {
                String o = pick(r, cmd.outputs());
                opts.put(o, r.nextInt(3) == 0 ? List.of(model, jvp, grid, list).get(r.nextInt(4)).toString()
                        : pick(r, pathPool));
            } else if (kind < 9) {
                extra.add(pick(r, cmd.flags()));
            } else {
                extra.add(pick(r, new String[] {"--unknown", "-x", "--steps", "--", "@args", "extra", "-q", "--help",
                    "--version", "-h"}));
            }
        }
        // keep runs short: "--from" and "--sigmas" exclude each other, as the command requires
        List<String> args = new ArrayList<>();
        args.add(cmd.name());
        opts.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        args.addAll(extra);
        if (r.nextInt(20) == 0) {
            args.remove(1 + r.nextInt(args.size() - 1));
        }
        args.add("-q");
        // a relative output ("-", " ", an option name shifted into a value's place, "" for --plots) would be
        // written into the working directory, the module's source folder: such paths go under the test's folder
        for (int i = 1; i + 1 < args.size(); i++) {
            String v = args.get(i + 1);
            if (WRITES.contains(args.get(i)) && !v.startsWith("/") && v.indexOf('\u0000') < 0) {
                args.set(i + 1, dir.resolve(v).toString());
            }
        }
        return args.toArray(String[]::new);
    }

    /** Options that name a file or folder the command writes. */
    private static final List<String> WRITES = List.of("--out", "--checkpoint", "--metrics", "--save-ref-stats",
            "--plots");

    private static String pick(SplittableRandom r, String[] a) {
        return a[r.nextInt(a.length)];
    }

    private static <T> T pick(SplittableRandom r, List<T> a) {
        return a.get(r.nextInt(a.size()));
    }

    private Map<Path, String> hashes() throws Exception {
        Map<Path, String> m = new LinkedHashMap<>();
        for (Path p : protectedFiles) {
            m.put(p, sha(p));
        }
        m.put(dir.resolve("link.json"), Files.isSymbolicLink(dir.resolve("link.json")) ? "link" : "replaced");
        m.put(dir.resolve("fifo"), Files.exists(dir.resolve("fifo"), LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(dir.resolve("fifo"), LinkOption.NOFOLLOW_LINKS) ? "fifo" : "replaced");
        return m;
    }

    private void cleanOutputs() throws IOException {
        if (!Files.isSymbolicLink(dir.resolve("link.json"))) {
            // --force replaced the link, as documented: put it back for the next case
            Files.deleteIfExists(dir.resolve("link.json"));
            Files.createSymbolicLink(dir.resolve("link.json"), linkTarget);
        }
        for (String s : List.of("out.json", "out.png", "out.ckpt", "out.metrics.jsonl", "a,b.json")) {
            Path p = dir.resolve(s);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                // --plots made a folder of this name
                try (java.util.stream.Stream<Path> all = Files.walk(p)) {
                    for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(q);
                    }
                }
            }
            Files.deleteIfExists(p);
        }
    }

    private static String sha(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void generatedOnnxGraphsLoadOrFailWithOneArtException() throws Exception {
        SplittableRandom r = new SplittableRandom(20261202L);
        Path file = dir.resolve("fuzz.onnx");
        int loaded = 0;
        int refused = 0;
        int cliRuns = 0;
        for (int c = 0; c < ONNX_CASES; c++) {
            byte[] bytes = graph(r);
            Files.write(file, bytes);
            String where = "onnx case " + c;
            try (DenoiserSource s = DenoiserSource.open(file.toString())) {
                int d = s.denoiser().sampleSize();
                int b = 1 + r.nextInt(5);
                float[] x = new float[b * d];
                float[] sigma = new float[b];
                java.util.Arrays.fill(sigma, 1f);
                float[] out = new float[b * d];
                s.denoiser().denoise(x, sigma, b, out);
                s.denoiser().sigmaRange();
                loaded++;
            } catch (ArtException e) {
                assertThat(e.getMessage()).as(where).isNotBlank();
                refused++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError(where + ": escaped " + e, e);
            }
            if (c % 10 == 0) {
                // through the CLI too: one line, no exit 70, the model unchanged
                CliRun run = CliRun.run("eval", "--denoiser", file.toString(), "--schedule", "edm", "--steps", "2",
                        "--samples", "2", "--reference-steps", "2", "-q");
                assertThat(run.exitCode()).as(where + ": " + run.err()).isIn(0, 1);
                assertThat(run.err()).as(where).doesNotContain("\tat ").doesNotContain("Exception")
                        .doesNotContain("\u001b");
                assertThat(Files.readAllBytes(file)).as(where).isEqualTo(bytes);
                cliRuns++;
            }
        }
        System.out.printf("ONNX fuzz: %d graphs, %d loaded and ran, %d refused with one ArtException, %d CLI runs%n",
                ONNX_CASES, loaded, refused, cliRuns);
        assertThat(loaded).isPositive();
        assertThat(refused).isPositive();
    }

    private static final String[] META = {"80", "0.002", "1e30", "NaN", "-1", "abc", "", "0", "Infinity", "1e-40",
        "3", "1e5", "100000.1"};

    private static byte[] graph(SplittableRandom r) {
        TestGraphs.Spec s = new TestGraphs.Spec();
        int mutations = r.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            switch (r.nextInt(12)) {
                case 0 -> s.x = pick(r, new String[] {"y", "X", "", "x "});
                case 1 -> s.sigma = pick(r, new String[] {"s", "t", "sigma_"});
                case 2 -> s.out = pick(r, new String[] {"out", "D", "logits"});
                case 3 -> s.xType = pick(r, List.of(TestGraphs.DOUBLE, TestGraphs.INT64, 10, 0, 99));
                case 4 -> s.xRank = pick(r, List.of(1, 3));
                case 5 -> s.sigmaRank = 2;
                case 6 -> s.fixedBatch = pick(r, List.of(1, 2, 4, 0, -1));
                case 7 -> s.declaredOutWidth = pick(r, List.of(1, 3, 0));
                case 8 -> s.scale = pick(r, List.of(Float.NaN, Float.POSITIVE_INFINITY, 0f, -1e30f));
                case 9 -> s.metadata.put(pick(r, new String[] {"art.sigma_max", "art.sigma_min", "art.sigma_data"}),
                        pick(r, META));
                case 10 -> s.sigmaType = pick(r, List.of(TestGraphs.DOUBLE, TestGraphs.INT64));
                default -> s.dim = pick(r, List.of(1, 3, 784));
            }
        }
        if (s.declaredOutWidth == 2 && s.dim != 2) {
            s.declaredOutWidth = s.dim;
        }
        byte[] b = TestGraphs.build(s);
        int damage = r.nextInt(10);
        if (damage == 0) {
            b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
        } else if (damage == 1) {
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
        }
        return b;
    }
}
