package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Terminal;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code art import}: turns a published sigma list (Align Your Steps, a ComfyUI {@code ManualSigmas} string, a
 * diffusers {@code sigmas=[...]} list) into an {@code art-schedule/1} file, usable as {@code art:path=FILE} and
 * resampled to any step count like a learned grid.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a published sigma list as a schedule file.",
        footer = {"", "Example (Align Your Steps, SD 1.5, 10 steps):",
            "  art import --name ays-sd15 --out ays.json \\",
            "      --sigmas '[14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]'",
            "  art schedule --scheduler art:path=ays.json,resample=loglinear --steps 20",
            "  (the 11 values give the published 10-step grid; --terminal append keeps 0.029 as an 11th step)"})
public final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--sigmas", required = true, paramLabel = "LIST", description = "The list itself.")
        String sigmas;

        @Option(names = "--from", required = true, paramLabel = "FILE", description = "A text file holding the list.")
        Path from;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Schedule name.")
    String name;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Schedule file to write.")
    Path out;

    @Option(names = "--terminal", defaultValue = "replace", paramLabel = "T",
            description = "What happens to a list that ends at a positive sigma: replace (default; the last value "
                    + "becomes 0, as diffusers and ComfyUI do with Align Your Steps / GITS lists: N + 1 values give N "
                    + "steps) or append (keep it and append 0, as A1111 does: N + 1 values give N + 1 steps).")
    String terminal;

    @Option(names = "--json", description = "Print one JSON object describing the result.")
    boolean json;

    @Option(names = "--force", description = "Replace a symbolic link at an output path with a regular file (the "
            + "link itself, never its target; FIFOs, directories and devices are never replaced).")
    boolean force;

    @Override
    public Integer call() {
        return CliSupport.run(spec, () -> {
            ScheduleFile f;
            try (Outputs files = new Outputs().input("--from", source.from).output("--out", out).check(force)
                    .lock(CliSupport.owner(spec))) {
                String text;
                String origin;
                if (source.from != null) {
                    try {
                        text = Files.readString(source.from);
                    } catch (IOException e) {
                        throw new ArtException("cannot read sigma list " + source.from + ": " + CliSupport.message(e));
                    }
                    origin = source.from.toString();
                } else {
                    text = source.sigmas;
                    origin = "--sigmas";
                }
                Terminal t = CliSupport.forOption("--terminal", () -> Terminal.parse(terminal));
                f = ScheduleFile.importList(name, text, origin, t);
                f.write(out);
            }
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", f.name());
                r.put("steps", f.steps());
                r.put("sigmas", f.sigmas());
                r.put("terminal", f.training().get("terminal"));
                r.put("out", out.toString());
                CliSupport.printJson(spec.commandLine().getOut(), r);
            } else {
                spec.commandLine().getOut().printf("wrote %s (%d steps) to %s%n", CliSupport.oneLine(f.name()),
                        f.steps(), CliSupport.oneLine(out.toString()));
                spec.commandLine().getOut().flush();
            }
            return CliSupport.OK;
        });
    }
}
