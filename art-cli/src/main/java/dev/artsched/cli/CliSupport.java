package dev.artsched.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.artsched.scheduler.ArtException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;

/**
 * Shared behaviour of the {@code art} subcommands: one JSON object on stdout, errors mapped to one
 * {@code art: error: <message>} line on stderr (stack trace only with {@code --verbose}), progress bars on
 * stderr, and the exit codes {@link #OK}, {@link #ERROR}, {@link #USAGE} and {@link #INTERNAL}.
 */
public final class CliSupport {
    /** Success. */
    public static final int OK = 0;
    /** A reported error: bad input file, invalid option value, model failure, I/O. */
    public static final int ERROR = 1;
    /** A command-line usage error (picocli's convention). */
    public static final int USAGE = 2;
    /** An unexpected internal error (a bug). */
    public static final int INTERNAL = 70;
    /** Prefix of every error line. */
    public static final String PREFIX = "art: error: ";
    /** Name of the global verbose option. */
    public static final String VERBOSE = "--verbose";
    /** Name of the global quiet option. */
    public static final String QUIET = "--quiet";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private CliSupport() {
    }

    /**
     * Runs a core call whose failures concern one option's value: an {@link ArtException} is rethrown with the
     * option's name in front, so the domain's words ("the JVP graph ...") reach the user next to the flag.
     */
    public static <T> T forOption(String option, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ArtException e) {
            throw new ArtException(option + ": " + e.getMessage(), e);
        }
    }

    /** Largest number of steps of any grid option (the schedule files' limit). */
    public static final int MAX_STEPS = dev.artsched.scheduler.Schedule.MAX_STEPS;
    /** Largest batch of any option. */
    public static final int MAX_BATCH = 65_536;
    /** Largest number of samples, rollouts, iterations or trajectories of any option. */
    public static final int MAX_COUNT = 10_000_000;

    /** {@code value} when it lies in [min, max], else one {@link ArtException} naming the option and the bounds. */
    public static int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ArtException(option + " must be in [" + min + ", " + max + "], found " + value);
        }
        return value;
    }

    /** Checks a noise-level option (null: not given) against {@link dev.artsched.scheduler.SigmaRange#checkSigma}. */
    public static void sigma(String option, Double value) {
        if (value != null) {
            dev.artsched.scheduler.SigmaRange.checkSigma(option, value);
        }
    }

    /** The shared Jackson mapper (compact output). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** Prints {@code value} as exactly one compact JSON document on one line of {@code out}, then flushes. */
    public static void printJson(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new ArtException("cannot encode the result as JSON: " + e.getOriginalMessage(), e);
        }
        out.flush();
    }

    /**
     * Runs a command body, mapping failures to one line on the command's stderr and an exit code. Use it as
     * the whole of a subcommand's {@code call()}: {@code return CliSupport.run(spec, () -> {...; return OK;})}.
     */
    public static int run(CommandSpec spec, Callable<Integer> body) {
        try {
            Integer code = body.call();
            return code == null ? OK : code;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            return report(spec.commandLine().getErr(), e, isVerbose(spec));
        }
    }

    /** Prints the one-line message for {@code e} (and the stack trace if {@code verbose}); returns the exit code. */
    public static int report(PrintWriter err, Throwable e, boolean verbose) {
        err.println(PREFIX + message(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    /** The exit code for a failure. */
    public static int exitCode(Throwable e) {
        if (e instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (e instanceof ArtException || e instanceof IOException || e instanceof UncheckedIOException
                || e instanceof OutOfMemoryError || e instanceof java.nio.file.InvalidPathException) {
            return ERROR;
        }
        return INTERNAL;
    }

    /** A single-line, user-facing message for a failure. */
    public static String message(Throwable e) {
        String text;
        if (e instanceof ArtException) {
            text = e.getMessage();
        } else if (e instanceof UncheckedIOException u && u.getCause() != null) {
            // a message of its own is ready for the user (AtomicFiles, OutputLock); else describe the cause
            text = u.getMessage() != null && !u.getMessage().equals(String.valueOf(u.getCause()))
                    ? u.getMessage() : ioMessage(u.getCause());
        } else if (e instanceof java.nio.file.InvalidPathException p) {
            text = pathMessage(p.getInput());
        } else if (e instanceof IOException) {
            text = ioMessage((IOException) e);
        } else if (e instanceof OutOfMemoryError) {
            text = "out of memory (" + e.getMessage() + "); try smaller sizes or counts, or raise -Xmx "
                    + "(ART_JAVA_OPTS=-Xmx8g)";
        } else {
            text = "unexpected " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (run with --verbose for the stack trace)";
        }
        if (text == null || text.isBlank()) {
            text = e.getClass().getSimpleName();
        }
        // library advice the command line cannot follow (it has no option for tensor names)
        text = text.replace(" (tensor names can be overridden with OnnxOptions.builder().optNames(...))", "");
        return oneLine(text);
    }

    /**
     * {@code text} as one printable line: ANSI escape sequences removed, line breaks folded into spaces, other
     * control characters shown as {@code \\uXXXX}.
     */
    public static String oneLine(String text) {
        String t = text.replaceAll("\u001B\\[[0-9;?]*[ -/]*[@-~]", "").replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
        StringBuilder b = new StringBuilder(t.length());
        t.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x202E || c == 0x200F) {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /**
     * The path given to {@code option}; a value this system's file-name encoding cannot represent is one
     * {@link ArtException} naming the option and the remedy instead of an {@code InvalidPathException}.
     */
    public static java.nio.file.Path path(String option, String value) {
        try {
            return java.nio.file.Path.of(value);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ArtException(option + ": " + pathMessage(value), e);
        }
    }

    static String pathMessage(String value) {
        String enc = System.getProperty("sun.jnu.encoding", java.nio.charset.Charset.defaultCharset().name());
        return "cannot use the path '" + oneLine(value).replace("\uFFFD", "?") + "': expected characters the "
                + "file-name encoding " + enc + " can represent, found others (run under a UTF-8 locale, e.g. "
                + "LC_ALL=C.UTF-8; the art launcher does this itself)";
    }

    /** How this run describes itself to a second run that finds its outputs locked. */
    public static String owner(CommandSpec spec) {
        java.util.List<String> args = spec.commandLine().getParseResult() == null ? java.util.List.of()
                : spec.commandLine().getParseResult().originalArgs();
        String text = "art " + spec.name() + " " + String.join(" ", args);
        CommandSpec root = spec;
        while (root.parent() != null) {
            root = root.parent();
        }
        if (root.commandLine().getParseResult() != null) {
            text = "art " + String.join(" ", root.commandLine().getParseResult().originalArgs());
        }
        return oneLine(text);
    }

    /** Picocli's converter for every {@code Path} option: a clear message for undecodable values. */
    static final class PathConverter implements CommandLine.ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            try {
                return java.nio.file.Path.of(value);
            } catch (java.nio.file.InvalidPathException e) {
                throw new CommandLine.TypeConversionException(pathMessage(value));
            }
        }
    }

    private static String ioMessage(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + e.getMessage();
        }
        if (e instanceof FileAlreadyExistsException) {
            return "file already exists: " + e.getMessage();
        }
        return "I/O error: " + e.getMessage();
    }

    /** Whether {@code --verbose} was given anywhere on the command line (it is an inherited option). */
    public static boolean isVerbose(CommandSpec spec) {
        return flag(spec, VERBOSE);
    }

    /** Whether {@code --quiet} was given (no progress bars). */
    public static boolean isQuiet(CommandSpec spec) {
        return flag(spec, QUIET);
    }

    private static boolean flag(CommandSpec spec, String name) {
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            OptionSpec o = s.findOption(name);
            if (o != null && Boolean.TRUE.equals(o.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A progress bar with ETA rendered on the command's stderr (never stdout), or a silent one with
     * {@code --quiet}. Close it when the work is done.
     */
    public static ProgressBar progressBar(CommandSpec spec, String task, long max) {
        PrintWriter err = spec.commandLine().getErr();
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500);
        if (isQuiet(spec)) {
            b.setConsumer(new ProgressBarConsumer() {
                @Override
                public void accept(String rendered) {
                }

                @Override
                public int getMaxRenderedLength() {
                    return 80;
                }

                @Override
                public void close() {
                }
            });
        } else {
            b.setConsumer(new ProgressBarConsumer() {
                @Override
                public void accept(String rendered) {
                    err.print('\r');
                    err.print(rendered);
                    err.flush();
                }

                @Override
                public int getMaxRenderedLength() {
                    return 100;
                }

                @Override
                public void close() {
                    err.println();
                    err.flush();
                }
            });
        }
        return b.build();
    }

    /** Handles picocli usage errors: one {@code art: error:} line plus a hint naming the help option. */
    public static final class UsageErrorHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(PREFIX + message(ex.getMessage()));
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE;
        }

        private static String message(String text) {
            return text == null ? "invalid command line" : oneLine(text);
        }
    }

    /** Handles exceptions that escape a command (commands normally use {@link #run}). */
    public static final class ExecutionErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
            return report(cmd.getErr(), ex, isVerbose(cmd.getCommandSpec()));
        }
    }
}
