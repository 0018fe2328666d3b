package dev.artsched.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement, the one atomic writer of every module: write a sibling temporary file, force it to
 * disk, then rename it over the target. A failure (full disk, read-only directory, kill -9) leaves any earlier
 * version of the target intact and is reported as an {@link UncheckedIOException} whose message is ready for the
 * user (callers rethrow it as their domain's exception). Not exported from the api module.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Atomically replaces {@code target} with {@code bytes}.
     *
     * @param what names the kind of file in error messages, e.g. {@code "checkpoint"}
     */
    public static void write(Path target, byte[] bytes, String what) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " " + target + ": " + describe(e)
                    + " (any earlier version of the file is unchanged)", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and never read
                }
            }
        }
    }

    /**
     * Deletes temporary files that an interrupted {@link #write} (kill -9, power loss) left next to
     * {@code target}. Call it only where this process is the target's sole writer, e.g. when a run resumes.
     *
     * @return how many were deleted
     */
    public static int removeTemporaries(Path target) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + abs.getFileName() + ".";
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(prefix) && n.endsWith(".tmp") && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean temporary files next to " + target + ": " + describe(e), e);
        }
        return removed;
    }

    private static String describe(IOException e) {
        String msg = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (read-only directory?)";
        }
        if (msg != null && msg.contains("No space left")) {
            return "no space left on device";
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
