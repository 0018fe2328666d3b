package dev.artsched.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

/**
 * Crash-safe file replacement, the one atomic writer of every module: write a sibling temporary file, force it to
 * disk, then rename it over the target. A failure (full disk, read-only directory, kill -9) leaves any earlier
 * version of the target intact and is reported as an {@link UncheckedIOException} whose message is ready for the
 * user (callers rethrow it as their domain's exception). The target must be a regular file or absent: a symbolic
 * link, FIFO, directory or device is refused ({@link OutputFiles#checkWritable}). A new file gets the process
 * umask's permissions; a replaced file keeps its mode. Not exported from the api module.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

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
            OutputFiles.checkWritable(target, what);
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = createTemporary(dir, abs.getFileName().toString());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(bytes);
                out.flush();
                ch.force(true);
            }
            keepMode(abs, tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (OutputFiles.Refused e) {
            throw new UncheckedIOException("cannot write " + what + " " + target + ": " + e.getMessage(), e);
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
     * A new hidden sibling {@code .NAME.<random>.tmp}, created without explicit permissions so the process umask
     * applies (a temporary-file API would make it 0600 and the renamed result would keep that).
     */
    private static Path createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Gives {@code tmp} the permissions of the file it replaces, if any (POSIX file systems). */
    private static void keepMode(Path target, Path tmp) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (view == null || !Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(target, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return;
        }
        view.setPermissions(mode);
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

    static String describe(IOException e) {
        String msg = e.getMessage();
        if (e instanceof OutputFiles.Refused) {
            return msg;
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (read-only directory?)";
        }
        if (msg != null && msg.contains("No space left")) {
            return "no space left on device";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " is in the way: expected a folder there, found a file";
        }
        if (e instanceof java.nio.file.NotDirectoryException f) {
            return f.getFile() + " is not a folder";
        }
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return "no such file or folder: " + f.getFile();
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT) + (f.getFile() == null ? "" : " (" + f.getFile()
                    + ")");
        }
        return msg == null ? "an I/O failure" : msg;
    }
}
