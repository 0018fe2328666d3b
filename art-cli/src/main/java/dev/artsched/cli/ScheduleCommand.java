package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.SigmaText;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code art schedule}: prints the grid of a scheduler spec as a table, JSON, CSV or a host-app list. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Print the timestep grid of a scheduler spec.",
        footer = {"", "Examples:",
            "  art schedule --scheduler edm:rho=7,sigma_max=80 --steps 18",
            "  art schedule --scheduler uniform:sigma_max=3,sigma_min=0 --steps 5 --json",
            "  art schedule --scheduler art:path=grid.json --steps 10 --format comfyui"})
public final class ScheduleCommand implements Callable<Integer> {
    /** The built-in scheduler names, for the help text. */
    static final String BUILT_IN = "uniform, edm, exponential, polyexponential, kl_optimal, vp, simple, sgm_uniform, "
            + "normal, beta, ddim_uniform, linear_quadratic, diffusers_discrete, art";

    /** Output formats. */
    public enum Format {
        /** Aligned table (default). */
        TEXT,
        /** One JSON object (same as {@code --json}). */
        JSON,
        /** {@code step,sigma} rows. */
        CSV,
        /** Python list of the N + 1 sigmas ending in 0.0, for diffusers' {@code set_timesteps(sigmas=...)}. */
        DIFFUSERS,
        /** Comma-separated N + 1 sigmas ending in 0 (ComfyUI SIGMAS). */
        COMFYUI;

        /** The lower-case option value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Parses {@code --format} case-insensitively (independent of the CommandLine's enum settings). */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.id().equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("expected one of text, json, csv, diffusers, comfyui, found '"
                    + value + "'");
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--scheduler", required = true, paramLabel = "SPEC",
            description = "Scheduler spec NAME[:key=value,...], e.g. edm:rho=7, uniform:sigma_max=3,sigma_min=0, "
                    + "art:path=grid.json. Built in: " + BUILT_IN + " (and plugins).")
    String scheduler;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps N >= 1.")
    int steps;

    @Option(names = "--json", description = "Print one JSON object (same as --format json).")
    boolean json;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatConverter.class,
            description = "Output format: text, json, csv, diffusers, comfyui (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the grid as an art-schedule/1 file (written atomically).")
    Path out;

    @Option(names = "--solver", paramLabel = "SOLVER",
            description = "Solver recorded in --out and used for the NFE shown (euler|heun).")
    String solver;

    @Option(names = "--force", description = "Replace a symbolic link at an output path with a regular file (the "
            + "link itself, never its target; FIFOs, directories and devices are never replaced).")
    boolean force;

    @Override
    public Integer call() {
        return CliSupport.run(spec, () -> {
            if (json && format != Format.TEXT && format != Format.JSON) {
                throw new ArtException("--json conflicts with --format " + format.id()
                        + ": expected one output format");
            }
            CliSupport.range("--steps", steps, 1, CliSupport.MAX_STEPS);
            Solver sv = solver == null ? null : Solver.parse(solver);
            try (Outputs files = new Outputs().spec("--scheduler", scheduler).output("--out", out).check(force)) {
                Schedule s = TimestepSchedulers.schedule(scheduler, steps);
                if (out != null) {
                    files.lock(CliSupport.owner(spec));
                    Map<String, Object> training = new LinkedHashMap<>();
                    training.put("scheduler", scheduler);
                    ScheduleFile.of(s, sv, "formula", training).write(out);
                }
                print(s, sv);
            }
            return CliSupport.OK;
        });
    }

    private void print(Schedule s, Solver sv) {
        PrintWriter w = spec.commandLine().getOut();
        Format f = json ? Format.JSON : format;
        switch (f) {
            case JSON -> CliSupport.printJson(w, toJson(s, sv));
            case CSV -> w.print(csv(s));
            case DIFFUSERS -> w.println(SigmaText.format(s, SigmaText.Format.DIFFUSERS));
            case COMFYUI -> w.println(SigmaText.format(s, SigmaText.Format.COMFYUI));
            default -> w.print(table(s, sv));
        }
        w.flush();
    }

    /** The JSON object printed with {@code --json}. */
    Map<String, Object> toJson(Schedule s, Solver sv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("steps", s.steps());
        m.put("sigmas", s.sigmas());
        m.put("scheduler", scheduler);
        m.put("source", s.source());
        m.put("sigma_max", s.sigmaMax());
        m.put("sigma_min", s.sigmaMinPositive());
        Map<String, Object> nfe = new LinkedHashMap<>();
        for (Solver v : Solver.values()) {
            if (sv == null || sv == v) {
                nfe.put(v.id(), s.nfe(v));
            }
        }
        m.put("nfe", nfe);
        if (out != null) {
            m.put("file", out.toString());
        }
        return m;
    }

    static String csv(Schedule s) {
        StringBuilder sb = new StringBuilder("step,sigma\n");
        for (int i = 0; i <= s.steps(); i++) {
            sb.append(i).append(',').append(s.sigma(i)).append('\n');
        }
        return sb.toString();
    }

    static String table(Schedule s, Solver sv) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(CliSupport.oneLine(s.name())).append("  N=").append(s.steps());
        for (Solver v : Solver.values()) {
            if (sv == null || sv == v) {
                sb.append("  nfe(").append(v.id()).append(")=").append(s.nfe(v));
            }
        }
        sb.append('\n');
        if (!s.source().isEmpty()) {
            sb.append("# ").append(CliSupport.oneLine(s.source())).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%5s  %s%n", "step", "sigma"));
        for (int i = 0; i <= s.steps(); i++) {
            sb.append(String.format(Locale.ROOT, "%5d  %.8g%n", i, s.sigma(i)));
        }
        return sb.toString();
    }
}
