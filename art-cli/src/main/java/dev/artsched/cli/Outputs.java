package dev.artsched.cli;

import dev.artsched.internal.OutputFiles;
import dev.artsched.internal.OutputLock;
import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files one command reads and writes, checked before any work: no output may be an input of the same run
 * (compared by real path and hard link) or another output, and an existing output must be a regular file
 * ({@code --force} replaces a symbolic link itself, never a FIFO, directory or device). {@link #lock} then holds
 * an advisory lock on every output until {@link #close()}, so a second run writing the same file fails at once.
 */
final class Outputs implements AutoCloseable {
    private static final Pattern SPEC_PATH = Pattern.compile("(?:^|[:,])\\s*path\\s*=([^,]*)");

    private record Named(String option, Path path) {
    }

    private final List<Named> inputs = new ArrayList<>();
    private final List<Named> outputs = new ArrayList<>();
    private final Deque<OutputLock> locks = new ArrayDeque<>();

    /** Adds an input file (null: none). */
    Outputs input(String option, Path path) {
        if (path != null) {
            inputs.add(new Named(option, path));
        }
        return this;
    }

    /** Adds the model given to {@code option} unless it is an analytic model. */
    Outputs model(String option, String spec) {
        if (spec != null && !spec.isBlank() && !spec.trim().startsWith("analytic:")) {
            input(option, CliSupport.path(option, spec.trim()));
        }
        return this;
    }

    /** Adds the file of a scheduler spec's {@code path=} option, if any. */
    Outputs spec(String option, String spec) {
        if (spec != null) {
            Matcher m = SPEC_PATH.matcher(spec);
            while (m.find()) {
                String p = m.group(1).trim();
                if (!p.isEmpty()) {
                    input(option, CliSupport.path(option, p));
                }
            }
        }
        return this;
    }

    /** Adds an output file (null: none). */
    Outputs output(String option, Path path) {
        if (path != null) {
            outputs.add(new Named(option, path));
        }
        return this;
    }

    /**
     * Checks every output against the inputs, the other outputs and its file type; with {@code force} a symbolic
     * link at an output path is removed (the link, not its target) so a regular file replaces it.
     */
    Outputs check(boolean force) {
        for (Named i : inputs) {
            // a FIFO or device would block or stream forever when read; a directory is never a model or a list
            if (Files.exists(i.path()) && !Files.isRegularFile(i.path())) {
                String kind = Files.isDirectory(i.path()) ? "a directory" : "a FIFO, device or other special file";
                throw new ArtException(i.option() + " " + i.path() + " is " + kind + ": expected a regular file");
            }
        }
        List<Named> links = new ArrayList<>();
        for (Named o : outputs) {
            String kind = OutputFiles.kind(o.path());
            if (kind != null) {
                boolean link = kind.startsWith("a symbolic link");
                if (!(link && force)) {
                    throw new ArtException(o.option() + " " + o.path() + " is " + kind + ": expected a regular file "
                            + "or a new path (" + (link ? "the output would replace the link, not write where it "
                            + "points; remove the link or pass --force to replace it" : "it is never replaced")
                            + ")");
                }
                links.add(o);
            }
        }
        for (Named o : outputs) {
            for (Named i : inputs) {
                if (!links.contains(o) && OutputFiles.clobbers(o.path(), i.path())
                        || links.contains(o) && OutputFiles.landing(o.path()).equals(OutputFiles.source(i.path()))) {
                    throw new ArtException(o.option() + " " + o.path() + " is the same file as " + i.option() + " "
                            + i.path() + ": refusing to overwrite an input of this run; expected another "
                            + o.option() + " path");
                }
            }
        }
        for (int a = 0; a < outputs.size(); a++) {
            for (int b = a + 1; b < outputs.size(); b++) {
                Named x = outputs.get(a);
                Named y = outputs.get(b);
                if (OutputFiles.sameOutput(x.path(), y.path())) {
                    throw new ArtException(y.option() + " " + y.path() + " is the same file as " + x.option() + " "
                            + x.path() + ": expected a separate file for each output");
                }
            }
        }
        for (Named o : links) {
            try {
                Files.deleteIfExists(o.path());
            } catch (IOException e) {
                throw new ArtException("cannot replace the symbolic link " + o.path() + " (" + o.option() + "): "
                        + CliSupport.message(e), e);
            }
        }
        return this;
    }

    /** Locks every output for this run (released by {@link #close()}); {@code owner} names this run. */
    Outputs lock(String owner) {
        try {
            for (Named o : outputs) {
                locks.push(OutputLock.acquire(o.path(), o.option() + " file", owner));
            }
        } catch (UncheckedIOException e) {
            close();
            throw new ArtException(e.getMessage(), e);
        }
        return this;
    }

    @Override
    public void close() {
        while (!locks.isEmpty()) {
            locks.pop().close();
        }
    }
}
