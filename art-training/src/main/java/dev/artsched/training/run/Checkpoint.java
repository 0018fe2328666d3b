package dev.artsched.training.run;

import java.io.UncheckedIOException;
import dev.artsched.training.nn.Adam;
import dev.artsched.training.problem.Rng;
import dev.artsched.scheduler.ArtException;
import dev.artsched.internal.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Everything needed to continue an ART-RL run exactly: both networks' parameters, both Adam states, gamma, the
 * RNG state, the iteration count, the distillation buffer, counters, and a fingerprint of the settings that must
 * not change on resume. Stored as a binary file with a format tag and a CRC-32 trailer, written to a temporary
 * file and moved into place atomically. Reading anything else gives one {@link ArtException}.
 *
 * @param fingerprint    settings that must match on resume
 * @param iteration      iterations completed
 * @param gamma          current multiplier
 * @param gamma0         the initial multiplier
 * @param rngState       state of the training {@link Rng}
 * @param calls          model calls so far
 * @param elapsedSeconds training wall time so far
 * @param actor          actor parameters
 * @param critic         critic parameters
 * @param actorOpt       actor optimiser state
 * @param criticOpt      critic optimiser state
 * @param distill        distillation buffer, oldest first
 * @param lambda         the effective exploration level in use (NaN when read from a checkpoint written before
 *                       relative lambdas existed)
 * @param prior          the closed-form speed prior as {psi nodes, speeds}, or an empty array when none is used
 */
public record Checkpoint(String fingerprint, int iteration, double gamma, double gamma0, long rngState, long calls,
                         double elapsedSeconds, double[][] actor, double[][] critic, double[][] actorOpt,
                         double[][] criticOpt, double[][] distill, double lambda,
                         double[][] prior) {

    /** The format tag at the start of every checkpoint. */
    public static final String FORMAT = "art-rl-checkpoint/1";

    /** Writes atomically ({@link AtomicFiles}: temporary sibling, fsync, rename over {@code path}). */
    public void write(Path path) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(FORMAT);
                out.writeUTF(fingerprint);
                out.writeInt(iteration);
                out.writeDouble(gamma);
                out.writeDouble(gamma0);
                out.writeLong(rngState);
                out.writeLong(calls);
                out.writeDouble(elapsedSeconds);
                for (double[][] block : new double[][][] {actor, critic, actorOpt, criticOpt, distill}) {
                    writeBlock(out, block);
                }
                out.writeDouble(lambda);
                writeBlock(out, prior);
            }
            byte[] body = bytes.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(body);
            ByteArrayOutputStream file = new ByteArrayOutputStream(body.length + Long.BYTES);
            try (DataOutputStream out = new DataOutputStream(file)) {
                out.write(body);
                out.writeLong(crc.getValue());
            }
            AtomicFiles.write(path, file.toByteArray(), "checkpoint");
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        } catch (IOException e) {
            throw new ArtException("could not encode checkpoint " + path + ": " + e, e);
        }
    }

    /** Reads a checkpoint; any damage or foreign content gives one {@link ArtException} naming the file. */
    public static Checkpoint read(Path path) {
        byte[] all;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            all = in.readAllBytes();
        } catch (IOException e) {
            throw new ArtException("cannot read checkpoint " + path + ": expected a readable " + FORMAT
                    + " file, found " + e.getMessage());
        }
        if (all.length < 8) {
            throw unreadable(path, "only " + all.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        long stored = 0;
        for (int i = all.length - 8; i < all.length; i++) {
            stored = (stored << 8) | (all[i] & 0xFF);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 8))) {
            String tag = in.readUTF();
            if (!FORMAT.equals(tag)) {
                throw unreadable(path, "format tag '" + abbreviate(tag) + "'");
            }
            if (stored != crc.getValue()) {
                throw unreadable(path, "a CRC-32 mismatch (truncated or corrupted file)");
            }
            String fp = in.readUTF();
            int iteration = in.readInt();
            double gamma = in.readDouble();
            double gamma0 = in.readDouble();
            long rng = in.readLong();
            long calls = in.readLong();
            double elapsed = in.readDouble();
            double[][] actor = readBlock(in);
            double[][] critic = readBlock(in);
            double[][] aOpt = readBlock(in);
            double[][] cOpt = readBlock(in);
            double[][] distill = readBlock(in);
            double lambda = in.available() >= Double.BYTES ? in.readDouble() : Double.NaN;
            double[][] prior = in.available() > 0 ? readBlock(in) : new double[0][];
            return new Checkpoint(fp, iteration, gamma, gamma0, rng, calls, elapsed, actor, critic, aOpt, cOpt,
                    distill, lambda, prior);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ArtException a) {
                throw a;
            }
            throw unreadable(path, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + e.getMessage()));
        }
    }

    private static ArtException unreadable(Path path, String found) {
        return new ArtException("checkpoint " + path + " is unreadable: expected an " + FORMAT + " file, found "
                + found + "; delete it or start a fresh run");
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }

    private static void writeBlock(DataOutputStream out, double[][] block) throws IOException {
        out.writeInt(block.length);
        for (double[] row : block) {
            out.writeInt(row.length);
            for (double v : row) {
                out.writeDouble(v);
            }
        }
    }

    private static double[][] readBlock(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new IOException("block of " + n + " arrays");
        }
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            int len = in.readInt();
            if (len < 0 || len > in.available() / 8) {
                throw new IOException("array of " + len + " values");
            }
            out[i] = new double[len];
            for (int j = 0; j < len; j++) {
                out[i][j] = in.readDouble();
            }
        }
        return out;
    }
}
