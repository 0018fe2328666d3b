package dev.artsched.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every value-taking option of every subcommand, given out-of-range or malformed values, either runs (when the
 * value happens to be valid) or fails with exactly one {@code art: error:} line and exit code 1 or 2: never a
 * stack trace, never exit 70 (an internal error).
 */
class CliOptionRangeTest {
    private static final String MNIST = "../models/mnist-edm/denoiser.onnx";
    private static final String[] BAD = {"-1", "0", "abc", "NaN", "1e999", "", "-1e-300"};

    @TempDir
    Path dir;

    private Map<String, List<String>> baselines() {
        Map<String, List<String>> b = new LinkedHashMap<>();
        b.put("schedule", List.of("--scheduler", "edm", "--steps", "3"));
        b.put("train", List.of("--denoiser", "analytic:gauss1d", "--steps", "2", "--solver", "euler", "--method",
                "closed-form", "--out", dir.resolve("t.json").toString(), "--rollouts", "8", "--fine-steps", "20",
                "--iterations", "3", "--batch", "2", "--distill", "4", "--quiet"));
        b.put("eval", List.of("--denoiser", "analytic:mixture2d", "--schedule", "edm", "--steps", "2", "--samples", "4",
                "--reference-steps", "8", "--quiet"));
        b.put("sample", List.of("--denoiser", MNIST, "--steps", "1", "--samples", "1", "--out",
                dir.resolve("s.png").toString(), "--quiet"));
        b.put("import", List.of("--name", "x", "--sigmas", "3,1", "--out", dir.resolve("i.json").toString()));
        return b;
    }

    private static List<String> with(List<String> base, String option, String value) {
        List<String> args = new ArrayList<>(base);
        int at = args.indexOf(option);
        if (at >= 0) {
            args.set(at + 1, value);
        } else {
            args.add(option);
            args.add(value);
        }
        return args;
    }

    @Test
    void everyOptionRejectsBadValuesWithOneLine() {
        CommandLine root = ArtCli.commandLine();
        int runs = 0;
        int rejected = 0;
        for (Map.Entry<String, List<String>> e : baselines().entrySet()) {
            String name = e.getKey();
            CommandLine sub = root.getSubcommands().get(name);
            List<String> base = new ArrayList<>(List.of(name));
            base.addAll(e.getValue());
            Cli ok = Cli.run(base.toArray(String[]::new));
            assertThat(ok.code()).as("baseline %s: %s", base, ok.err()).isZero();
            for (OptionSpec o : sub.getCommandSpec().options()) {
                if (o.arity().max() == 0 || o.usageHelp() || o.versionHelp()) {
                    continue;
                }
                for (String bad : BAD) {
                    // path options get the bad value as a file name inside the temporary folder
                    String value = o.type() == Path.class ? (bad.isEmpty() ? dir.toString()
                            : dir.resolve("bad" + bad).toString()) : bad;
                    List<String> args = with(base, o.longestName(), value);
                    Cli r = Cli.run(args.toArray(String[]::new));
                    runs++;
                    String err = r.err();
                    assertThat(err).as("%s", args).doesNotContain("\tat ").doesNotContain("Exception in");
                    assertThat(r.code()).as("%s -> %s", args, err).isIn(0, 1, 2);
                    if (r.code() != 0) {
                        rejected++;
                        List<String> lines = err.lines().filter(l -> l.startsWith("art: error:")).toList();
                        assertThat(lines).as("%s -> %s", args, err).hasSize(1);
                        assertThat(lines.get(0).length()).as("%s", args).isGreaterThan("art: error: ".length() + 5);
                    }
                }
            }
        }
        assertThat(runs).isGreaterThan(150);
        assertThat(rejected).isGreaterThan(runs / 2);
    }

    @Test
    void demoValidatesItsOptionsBeforeDoingAnyWork() {
        for (String[] args : new String[][] {{"--iterations", "0"}, {"--samples", "1"}, {"--steps", "0,5"},
            {"--train-steps", "-3"}, {"--batch", "0"}, {"--solver", "rk4"}, {"--model", "../x"}}) {
            List<String> all = new ArrayList<>(List.of("demo", "--out", dir.resolve("d").toString()));
            all.addAll(List.of(args));
            Cli r = Cli.run(all.toArray(String[]::new));
            assertThat(r.code()).as("%s", all).isEqualTo(1);
            assertThat(r.err().strip()).as("%s", all).startsWith("art: error: ").doesNotContain("\n");
        }
        assertThat(dir.resolve("d")).doesNotExist();
    }
}
