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
                || e instanceof OutOfMemoryError) {
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
            text = ioMessage(u.getCause());
        } else if (e instanceof IOException) {
            text = ioMessage((IOException) e);
        } else if (e instanceof OutOfMemoryError) {
            text = "out of memory (" + e.getMessage() + "); try fewer --samples or a smaller --batch, or raise -Xmx";
        } else {
            text = "unexpected " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (run with --verbose for the stack trace)";
        }
        if (text == null || text.isBlank()) {
            text = e.getClass().getSimpleName();
        }
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
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
            return text == null ? "invalid command line" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
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
