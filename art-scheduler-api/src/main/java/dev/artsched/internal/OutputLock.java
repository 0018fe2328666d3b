package dev.artsched.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An advisory lock on one output file, held for a whole run: a hidden sibling {@code .NAME.lock} locked with
 * {@link FileChannel#tryLock()} and holding the owner's description, so a second writer (another process, or
 * another run in this process) fails at once with a message naming the running one. The lock file is removed on
 * {@link #close()}; a lock file left by a killed process holds no lock and is taken over. POSIX locks belong to
 * the process and any close of the file drops them, so this process's own locks are also kept in a table (a second
 * run in the same JVM never opens a locked file) and the check that the locked file is still the one at the path
 * uses stat only. Locks are advisory: they keep out other runs of this library, not arbitrary programs.
 */
public final class OutputLock implements AutoCloseable {
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(Path lockFile, FileChannel channel, FileLock lock) {
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file guarding {@code target}. */
    public static Path lockFile(Path target) {
        Path abs = OutputFiles.landing(target);
        return abs.resolveSibling("." + abs.getFileName() + ".lock");
    }

    /**
     * Locks {@code target} for this run or fails at once.
     *
     * @param what  the kind of file, for messages ("schedule file")
     * @param owner a description of this run, recorded for a second writer's message (e.g. the command)
     * @throws UncheckedIOException with a ready message when another run holds the lock or the folder is not
     *                              writable
     */
    public static OutputLock acquire(Path target, String what, String owner) {
        Path file = lockFile(target);
        String text = "pid " + ProcessHandle.current().pid() + ", started "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + oneLine(owner) + "\n";
        // POSIX record locks belong to the process and any close of the file drops them: a second lock attempt
        // from this process must never open the lock file, so this process's own locks are known here
        String mine = HELD.putIfAbsent(file, text);
        if (mine != null) {
            throw refused("cannot write " + what + " " + target + ": another run is writing it ("
                    + mine.strip() + "); wait for it to finish or choose another output");
        }
        boolean done = false;
        try {
            for (int attempt = 0; attempt < 20; attempt++) {
                FileChannel ch = null;
                try {
                    Files.createDirectories(file.getParent());
                    Object before = key(file);
                    ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                    FileLock l;
                    try {
                        l = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        l = null;
                    }
                    if (l == null) {
                        ch.close();
                        throw refused("cannot write " + what + " " + target + ": another run is writing it ("
                                + holder(file) + "); wait for it to finish or choose another output");
                    }
                    // the file locked must still be the one at the path: a releasing holder deletes it, and a
                    // lock on a deleted file guards nothing (stat only: opening the file would drop the lock)
                    if (before != null && before.equals(key(file))) {
                        ch.truncate(0);
                        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
                        done = true;
                        return new OutputLock(file, ch, l);
                    }
                    l.release();
                    ch.close();
                } catch (UncheckedIOException e) {
                    throw e;
                } catch (IOException e) {
                    closeQuietly(ch);
                    if (unwritable(e)) {
                        // nothing can be written next to the target, so no second writer can succeed either: the
                        // output's own write reports the real cause (read-only file system, full disk)
                        try {
                            Files.deleteIfExists(file);
                        } catch (IOException ignored) {
                            // a stale empty lock file holds no lock
                        }
                        return new OutputLock(null, null, null);
                    }
                    throw new UncheckedIOException("cannot lock " + what + " " + target + " (lock file " + file
                            + "): " + AtomicFiles.describe(e), e);
                }
            }
            throw refused("cannot lock " + what + " " + target + ": its lock file " + file
                    + " keeps changing; expected one writer at a time");
        } finally {
            if (!done) {
                HELD.remove(file);
            }
        }
    }

    /** The file's identity (device and inode) by stat, or null when it does not exist. */
    private static Object key(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static boolean unwritable(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Read-only file system") || m.contains("No space left")
                || e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                && (f.getReason().contains("Read-only") || f.getReason().contains("No space"));
    }

    private static UncheckedIOException refused(String message) {
        return new UncheckedIOException(message, new OutputFiles.Refused(message));
    }

    private static String holder(Path file) {
        String t = read(file);
        if (t == null || t.isBlank()) {
            return "its lock file " + file + " is held";
        }
        String first = t.lines().findFirst().orElse("");
        return first.isBlank() ? "its lock file " + file + " is held" : first;
    }

    private static String read(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return new String(b, 0, Math.min(b.length, 4096), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\p{Cntrl}", " ").trim();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /** A description of this process for {@link #acquire}: its command line where known. */
    public static String describeProcess() {
        return ProcessHandle.current().info().commandLine().orElse("pid " + ProcessHandle.current().pid());
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    /** Removes the lock file and releases the lock. */
    @Override
    public void close() {
        if (lockFile == null) {
            return;
        }
        if (HELD.remove(lockFile) == null) {
            return; // closed before
        }
        try {
            Files.deleteIfExists(lockFile);
        } catch (IOException ignored) {
            // a stale lock file holds no lock; the next run takes it over
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
