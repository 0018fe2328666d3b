package dev.artsched.cli;

import dev.artsched.internal.OutputLock;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.EdmScheduler;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.UniformScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One regression test per numbered hostile case of docs/RELIABILITY.md ("Hostile input: the ten cases"): each ends
 * with one {@code art: error:} line and a non-zero exit (or the documented behaviour), and no file the user did
 * not name as an output changes.
 */
class HostileCasesTest {
    private static final Path MODELS = Path.of("..", "models");
    private static final Path GAUSS = MODELS.resolve("gauss1d").resolve("denoiser.onnx");
    private static final Path GAUSS_JVP = MODELS.resolve("gauss1d").resolve("denoiser_jvp.onnx");

    @TempDir
    Path dir;

    private static CliRun failsWithOneLine(String... args) {
        CliRun r = CliRun.run(args);
        assertThat(r.exitCode()).as("exit code of %s (stderr %s)", Arrays.toString(args), r.err()).isIn(1, 2);
        assertThat(r.errLines()[0]).startsWith(CliSupport.PREFIX);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
        return r;
    }

    private Path copy(Path from, String name) throws IOException {
        return Files.copy(from, dir.resolve(name));
    }

    // 1. An output equal to an input is refused, the input unchanged.
    @Test
    void case1OutputEqualToAnInputIsRefused() throws IOException {
        Path d = copy(GAUSS, "d.onnx");
        Path j = copy(GAUSS_JVP, "j.onnx");
        byte[] model = Files.readAllBytes(d);
        byte[] jvp = Files.readAllBytes(j);
        String ds = d.toString();
        assertThat(failsWithOneLine("train", "--denoiser", ds, "--steps", "4", "--solver", "euler", "--method",
                "closed-form", "--out", ds).err()).contains("--out " + ds + " is the same file as --denoiser");
        assertThat(failsWithOneLine("train", "--denoiser", ds, "--jvp", j.toString(), "--steps", "4", "--solver",
                "euler", "--method", "closed-form", "--out", j.toString()).err()).contains("same file as --jvp");
        assertThat(failsWithOneLine("train", "--denoiser", ds, "--steps", "4", "--solver", "euler", "--out",
                dir.resolve("o.json").toString(), "--checkpoint", ds).err()).contains("--checkpoint " + ds);
        // through another spelling of the same path and through a hard link
        Path sub = Files.createDirectory(dir.resolve("sub"));
        failsWithOneLine("train", "--denoiser", ds, "--steps", "4", "--solver", "euler", "--method", "closed-form",
                "--out", sub.resolve("..").resolve("d.onnx").toString());
        Path hard = Files.createLink(dir.resolve("hard.onnx"), d);
        failsWithOneLine("train", "--denoiser", ds, "--steps", "4", "--solver", "euler", "--method", "closed-form",
                "--out", hard.toString());
        // sample: --out equal to the model, or to the art:path= schedule
        failsWithOneLine("sample", "--denoiser", ds, "--steps", "2", "--out", ds);
        Path grid = dir.resolve("grid.json");
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", grid.toString())
                .exitCode()).isZero();
        byte[] gridBytes = Files.readAllBytes(grid);
        failsWithOneLine("sample", "--denoiser", ds, "--scheduler", "art:path=" + grid, "--steps", "2", "--out",
                grid.toString());
        // checkpoint or metrics = out
        Path out = dir.resolve("o.json");
        assertThat(failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--steps", "4", "--solver", "euler",
                "--out", out.toString(), "--checkpoint", out.toString()).err()).contains("same file as --out");
        failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--steps", "4", "--solver", "euler",
                "--out", out.toString(), "--metrics", out.toString());
        assertThat(Files.readAllBytes(d)).isEqualTo(model);
        assertThat(Files.readAllBytes(j)).isEqualTo(jvp);
        assertThat(Files.readAllBytes(grid)).isEqualTo(gridBytes);
        assertThat(out).doesNotExist();
    }

    // 2. A second writer of the same output fails at once naming the running one.
    @Test
    void case2SecondWriterFailsAtOnce() throws IOException {
        Path out = dir.resolve("o.json");
        Files.writeString(out, "earlier");
        try (OutputLock held = OutputLock.acquire(out, "schedule file", "art train --out o.json (the first run)")) {
            CliRun r = failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", out.toString());
            assertThat(r.err()).contains("another run is writing it").contains("the first run")
                    .contains("pid " + ProcessHandle.current().pid());
            r = failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--steps", "3", "--solver", "euler",
                    "--method", "closed-form", "--rollouts", "8", "--fine-steps", "20", "--out", out.toString());
            assertThat(r.err()).contains("another run is writing it");
            Path other = dir.resolve("other.json");
            r = failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--steps", "3", "--solver", "euler",
                    "--iterations", "2", "--out", other.toString(), "--checkpoint", out.toString());
            assertThat(r.err()).contains("checkpoint").contains("another run is writing it");
            assertThat(other).doesNotExist();
        }
        assertThat(Files.readString(out)).isEqualTo("earlier");
        // released: the lock file is gone and the next run writes
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", out.toString())
                .exitCode()).isZero();
        assertThat(OutputLock.lockFile(out)).doesNotExist();
    }

    @Test
    void case2AnotherProcessHoldingTheOutputIsNamed() throws Exception {
        Path out = dir.resolve("o.json");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), out.toString()).start();
        try {
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            CliRun run = failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", out.toString());
            assertThat(run.err()).contains("another run is writing it (pid " + holder.pid())
                    .contains("held by a test");
            assertThat(out).doesNotExist();
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(OutputLock.lockFile(out)).doesNotExist();
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", out.toString())
                .exitCode()).isZero();
    }

    // 3. --resume checks the model's content (sha256) and the settings against the checkpoint.
    @Test
    void case3ResumeRefusesAChangedModelOrSettings() throws IOException {
        Path d = copy(GAUSS, "d.onnx");
        Path out = dir.resolve("g.json");
        String[] base = {"train", "--denoiser", d.toString(), "--jvp-strategy", "fd", "--steps", "3", "--solver",
            "euler", "--batch", "2", "--distill", "4", "--rollouts", "4", "--fine-steps", "20", "-q", "--out",
            out.toString(), "--checkpoint-every", "1"};
        assertThat(CliRun.run(concat(base, "--iterations", "2")).exitCode()).isZero();
        Path ckpt = dir.resolve("g.ckpt");
        byte[] checkpoint = Files.readAllBytes(ckpt);
        // same path, new content: one metadata digit changed (the model still loads)
        byte[] bytes = Files.readAllBytes(d);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("0.002");
        assertThat(at).isPositive();
        bytes[at + 4] = '3';
        Files.write(d, bytes);
        CliRun r = failsWithOneLine(concat(base, "--iterations", "4", "--resume"));
        assertThat(r.err()).contains("does not match this run").contains("model_sha256 (checkpoint ");
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(checkpoint);
        // a changed hyperparameter is named too
        r = failsWithOneLine(concat(concat(base, "--iterations", "4", "--resume"), "--lambda", "0.7"));
        assertThat(r.err()).contains("lambda (checkpoint 0.1");
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(checkpoint);
    }

    // 4. An output that is a symbolic link, FIFO or directory is refused; --force replaces a link only.
    @Test
    void case4SymlinkFifoAndDirectoryOutputsAreRefused() throws Exception {
        Path target = Files.writeString(dir.resolve("target.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("o"), target);
        CliRun r = failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", link.toString());
        assertThat(r.err()).contains("is a symbolic link to ").contains("--force");
        assertThat(Files.readString(target)).isEqualTo("keep");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", link.toString(), "--force")
                .exitCode()).isZero();
        assertThat(Files.isSymbolicLink(link)).isFalse();
        assertThat(ScheduleFile.read(link).steps()).isEqualTo(3);
        assertThat(Files.readString(target)).isEqualTo("keep");
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", fifo.toString(),
                "--force").err()).contains("is a FIFO");
        assertThat(failsWithOneLine("import", "--name", "x", "--from", fifo.toString(), "--out",
                dir.resolve("i.json").toString()).err()).contains("--from").contains("FIFO");
        Path folder = Files.createDirectory(dir.resolve("folder.json"));
        assertThat(failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", folder.toString())
                .err()).contains("is a directory");
        assertThat(Files.isDirectory(folder)).isTrue();
        assertThat(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    // 5. Absurd ranges are refused with the bound in the message.
    @Test
    void case5AbsurdRangesAreRefused() throws IOException {
        TestGraphs.Spec s = new TestGraphs.Spec();
        s.dim = 1;
        s.declaredOutWidth = 1;
        s.metadata.put("art.sigma_max", "1e30");
        Path huge = Files.write(dir.resolve("huge.onnx"), TestGraphs.build(s));
        assertThat(failsWithOneLine("eval", "--denoiser", huge.toString(), "--schedule", "edm", "--steps", "2",
                "--samples", "2").err()).contains("art.sigma_max").contains("1.0E30").contains("100000.0");
        assertThat(failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--steps", "3", "--solver", "euler",
                "--method", "closed-form", "--sigma-max", "1e30", "--out", dir.resolve("g.json").toString()).err())
                .contains("--sigma-max").contains("100000.0");
        assertThat(failsWithOneLine("schedule", "--scheduler", "edm:rho=1e308", "--steps", "3").err())
                .contains("rho must be in (0, 1000.0]");
        s.metadata.put("art.sigma_max", "3");
        s.metadata.put("art.sigma_min", "5");
        Path unordered = Files.write(dir.resolve("unordered.onnx"), TestGraphs.build(s));
        failsWithOneLine("eval", "--denoiser", unordered.toString(), "--schedule", "edm", "--steps", "2",
                "--samples", "2");
        assertThat(dir.resolve("g.json")).doesNotExist();
    }

    // 6. A wrong JVP graph is detected at load (zero, negated, scaled tangents); --trust-jvp skips the check.
    @ParameterizedTest
    @ValueSource(floats = {0f, -0.5f, 1f, 0.25f})
    void case6WrongJvpGraphIsDetected(float tangentScale) throws IOException {
        TestGraphs.Spec s = new TestGraphs.Spec();
        Path model = Files.write(dir.resolve("m.onnx"), TestGraphs.build(s));
        s.tangentScale = tangentScale;
        Path jvp = Files.write(dir.resolve("j.onnx"), TestGraphs.build(s));
        Path out = dir.resolve("g.json");
        String[] args = {"train", "--denoiser", model.toString(), "--jvp", jvp.toString(), "--steps", "3", "--solver",
            "euler", "--method", "closed-form", "--rollouts", "8", "--fine-steps", "20", "--out", out.toString()};
        assertThat(failsWithOneLine(args).err()).contains("--jvp: the JVP graph").contains("does not match the model")
                .contains("--trust-jvp");
        assertThat(out).doesNotExist();
        CliRun trusted = CliRun.run(concat(args, "--trust-jvp"));
        assertThat(trusted.err()).doesNotContain("does not match");
        s.tangentScale = s.scale;
        Files.write(jvp, TestGraphs.build(s));
        Files.deleteIfExists(out);
        CliRun ok = CliRun.run(args);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
    }

    // 7. Integer.MAX_VALUE in count options is a clear range error; the library throws ArtException.
    @Test
    void case7HugeCountsAreRangeErrors() {
        String max = "2147483647";
        String out = dir.resolve("g.json").toString();
        assertThat(failsWithOneLine("schedule", "--scheduler", "edm", "--steps", max).err())
                .contains("--steps must be in [1, 100000], found 2147483647");
        for (String opt : List.of("--steps", "--train-steps", "--fine-steps", "--distill")) {
            List<String> a = new ArrayList<>(List.of("train", "--denoiser", "analytic:gauss1d", "--steps", "3",
                    "--solver", "euler", "--out", out));
            if (opt.equals("--steps")) {
                a.set(4, max);
            } else {
                a.addAll(List.of(opt, max));
            }
            assertThat(failsWithOneLine(a.toArray(String[]::new)).err()).contains(opt + " must be in [1, ");
        }
        assertThat(failsWithOneLine("eval", "--denoiser", "analytic:gauss1d", "--schedule", "edm",
                "--reference-steps", max).err()).contains("--reference-steps must be in [1, 100000]");
        for (TimestepScheduler s : List.of(new EdmScheduler(0.002, 80, 7), new UniformScheduler(0.002, 80))) {
            assertThatThrownBy(() -> s.schedule(Integer.MAX_VALUE)).isInstanceOf(ArtException.class)
                    .hasMessageContaining("[1, 100000]");
        }
        assertThat(Path.of(out)).doesNotExist();
    }

    // 8. The writer refuses what the reader would refuse: more than 100,000 steps.
    @Test
    void case8WritersAndReadersAgreeOnTheStepLimit() throws IOException {
        Path out = dir.resolve("g.json");
        failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "200000", "--out", out.toString());
        StringBuilder list = new StringBuilder("[");
        for (int i = 150_000; i >= 1; i--) {
            list.append(i).append(i == 1 ? "]" : ",");
        }
        Path from = Files.writeString(dir.resolve("list.txt"), list);
        assertThat(failsWithOneLine("import", "--name", "big", "--from", from.toString(), "--out", out.toString())
                .err()).contains("at most 100001 sigmas");
        assertThat(out).doesNotExist();
        // the largest writable grid reads back
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "100000", "--out", out.toString(),
                "--format", "csv").exitCode()).isZero();
        assertThat(ScheduleFile.read(out).steps()).isEqualTo(100_000);
    }

    // 9. A path the locale cannot represent is a clear error; the launcher picks a UTF-8 locale.
    @Test
    void case9UndecodablePathsGiveAClearError() {
        String bad = "\uFFFD";
        assertThat(CliSupport.pathMessage(bad)).contains("cannot use the path").contains("UTF-8");
        if (!java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"))
                .newEncoder().canEncode("\u00e9")) {
            CliRun r = failsWithOneLine("schedule", "--scheduler", "edm", "--steps", "3", "--out", "\u00e9.json");
            assertThat(r.err()).contains("cannot use the path").doesNotContain("java.");
        }
        assertThat(CliSupport.message(new java.nio.file.InvalidPathException("\u00e9", "Malformed input")))
                .contains("cannot use the path").doesNotContain("InvalidPathException");
        assertThat(CliSupport.exitCode(new java.nio.file.InvalidPathException("x", "y"))).isEqualTo(CliSupport.ERROR);
    }

    @Test
    void case9NonAsciiPathUnderLangCInAChildJvm() throws Exception {
        Path out = dir.resolve("\u00e9t\u00e9.json");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ArtCli.class.getName(), "schedule", "--scheduler",
                "edm", "--steps", "3", "--out", out.toString());
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        pb.environment().put("LANG", "C");
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        pb.redirectErrorStream(false);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isIn(0, 1, 2);
        assertThat(err).doesNotContain("\tat ").doesNotContain("Exception");
        if (p.exitValue() != 0) {
            assertThat(err).startsWith(CliSupport.PREFIX).contains("cannot use the path");
            assertThat(err.strip().split("\\R")[0]).contains("UTF-8");
        }
    }

    // 10. Modes, terminal-safe names, trailing data, --jvp with analytic, the launcher through a symlink, messages.
    @Test
    void case10ModesAreKeptAndNewFilesFollowTheUmask() throws IOException {
        Path out = dir.resolve("g.json");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", out.toString())
                .exitCode()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-r--r--");
        Path fresh = dir.resolve("fresh.json");
        Path probe = Files.createFile(dir.resolve("probe"));
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", fresh.toString())
                .exitCode()).isZero();
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(Files.getPosixFilePermissions(probe));
    }

    @Test
    void case10NamesAreSanitisedAndTrailingDataRejected() throws IOException {
        Path grid = dir.resolve("g.json");
        assertThat(CliRun.run("import", "--name", "evil\nname\u001b[31m", "--sigmas", "[3, 2, 1, 0]", "--out",
                grid.toString()).exitCode()).isZero();
        CliRun r = CliRun.run("schedule", "--scheduler", "art:path=" + grid, "--steps", "3");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("'evil name'").doesNotContain("\u001b");
        assertThat(r.out().lines()).hasSize(3 + 4);
        Path trailing = Files.writeString(dir.resolve("t.json"), Files.readString(grid) + "{\"more\": 1}");
        assertThatThrownBy(() -> ScheduleFile.read(trailing)).isInstanceOf(ArtException.class)
                .hasMessageContaining("t.json");
        failsWithOneLine("schedule", "--scheduler", "art:path=" + trailing, "--steps", "3");
    }

    @Test
    void case10MisleadingMessagesAreFixed() throws IOException {
        assertThat(failsWithOneLine("train", "--denoiser", "analytic:gauss1d", "--jvp", GAUSS_JVP.toString(),
                "--steps", "3", "--solver", "euler", "--out", dir.resolve("g.json").toString()).err())
                .contains("--jvp is for ONNX denoisers");
        Path folder = Files.createDirectory(dir.resolve("model.onnx"));
        assertThat(failsWithOneLine("eval", "--denoiser", folder.toString(), "--schedule", "edm").err())
                .contains("is a directory").doesNotContain("no such file");
        // a path holding a comma in a scheduler spec
        Path comma = dir.resolve("a,b.json");
        assertThat(CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--out", comma.toString())
                .exitCode()).isZero();
        CliRun r = CliRun.run("schedule", "--scheduler", "art:path=" + comma + ",resample=loglinear", "--steps", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // ANSI colour codes and control characters never reach the terminal
        assertThat(CliSupport.oneLine("\u001b[0;93mshape\u001b[m mismatch\r\nat\tnode\u0007 x"))
                .isEqualTo("shape mismatch at\\u0009node\\u0007 x");
        assertThat(CliSupport.message(new OutOfMemoryError("Java heap space"))).doesNotContain("--samples");
        // library advice the command line cannot follow is dropped
        TestGraphs.Spec wrong = new TestGraphs.Spec();
        wrong.x = "input";
        Path named = Files.write(dir.resolve("named.onnx"), TestGraphs.build(wrong));
        assertThat(failsWithOneLine("eval", "--denoiser", named.toString(), "--schedule", "edm").err())
                .contains("wrong signature").doesNotContain("OnnxOptions");
    }

    @Test
    void case10LauncherResolvesItsOwnLocationThroughSymlinks() throws Exception {
        Path launcher = Path.of("..", "art").toRealPath();
        Path link = Files.createSymbolicLink(dir.resolve("art"), launcher);
        Path link2 = Files.createSymbolicLink(dir.resolve("art2"), Path.of("art"));
        ProcessBuilder pb = new ProcessBuilder("bash", link2.toString());
        pb.environment().put("ART_LAUNCHER_PRINT_ROOT", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Path.of(out)).isEqualTo(launcher.getParent());
        assertThat(link).isSymbolicLink();
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
