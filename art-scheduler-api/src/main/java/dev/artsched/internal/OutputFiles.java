package dev.artsched.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What an output path may be: absent or a regular file. A symbolic link is never written through (the atomic
 * rename would replace the link and write nothing where it points), and a FIFO, directory or device is never
 * replaced. Also compares paths by the file they name, so a run can refuse to write over one of its inputs.
 */
public final class OutputFiles {
    private OutputFiles() {
    }

    /** An output path refused before anything was written; the message is ready for the user. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        /** A refusal with its message. */
        public Refused(String message) {
            super(message);
        }
    }

    /**
     * Throws {@link Refused} unless {@code target} is absent or a regular file (links not followed).
     *
     * @param what the kind of file, for the message
     */
    public static void checkWritable(Path target, String what) throws Refused {
        String kind = kind(target);
        if (kind != null) {
            throw new Refused(target + " is " + kind + "; expected a regular file or a new path (the " + what
                    + " is written by replacing the file, which would " + consequence(kind) + ")");
        }
    }

    /**
     * What a non-regular existing path is ("a symbolic link to X", "a FIFO", "a directory", "a device or other
     * special file"), or null for an absent path or a regular file.
     */
    public static String kind(Path target) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null; // unreadable metadata: the write itself reports the real error
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isSymbolicLink()) {
            String to;
            try {
                to = " to " + Files.readSymbolicLink(target);
            } catch (IOException | UnsupportedOperationException e) {
                to = "";
            }
            return "a symbolic link" + to;
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        return isFifo(target) ? "a FIFO (named pipe)" : "a device or other special file";
    }

    private static boolean isFifo(Path p) {
        try {
            Object mode = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer m && (m & 0170000) == 0010000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String consequence(String kind) {
        if (kind.startsWith("a symbolic link")) {
            return "replace the link and write nothing where it points";
        }
        if (kind.startsWith("a directory")) {
            return "remove the directory";
        }
        return "replace the special file instead of writing into it";
    }

    /**
     * The file a write to {@code p} lands on: the real path of an existing regular file (links in the parent
     * folders resolved), or the real parent folder plus the name for a new file or a link (a link itself is what a
     * rename replaces).
     */
    public static Path landing(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            if (Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
                return abs.toRealPath();
            }
        } catch (IOException e) {
            // fall through to the parent
        }
        Path parent = abs.getParent();
        Path name = abs.getFileName();
        if (parent == null || name == null) {
            return abs;
        }
        return folder(parent).resolve(name);
    }

    private static Path folder(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            Path parent = dir.getParent();
            return parent == null || dir.getFileName() == null ? dir : folder(parent).resolve(dir.getFileName());
        }
    }

    /** The file {@code p} reads from: its real path (links followed) when it exists, else {@link #landing}. */
    public static Path source(Path p) {
        try {
            return p.toAbsolutePath().toRealPath();
        } catch (IOException e) {
            return landing(p);
        }
    }

    /**
     * Whether writing {@code output} would change the file {@code input} names: same real path, or the same file
     * through a hard link.
     */
    public static boolean clobbers(Path output, Path input) {
        Path out = landing(output);
        if (out.equals(source(input))) {
            return true;
        }
        try {
            return Files.isRegularFile(output, LinkOption.NOFOLLOW_LINKS) && Files.exists(input)
                    && Files.isSameFile(output, input);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether two outputs land on the same file. */
    public static boolean sameOutput(Path a, Path b) {
        return landing(a).equals(landing(b));
    }
}
