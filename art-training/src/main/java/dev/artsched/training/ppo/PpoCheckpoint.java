package dev.artsched.training.ppo;

import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Everything needed to continue a PPO run exactly: the iteration, the RNG state, the wall time, the reward curve,
 * the network's parameters and Adam's state, with a fingerprint of the settings that must not change. A binary
 * file with a format tag and a CRC-32 trailer, written atomically.
 */
record PpoCheckpoint(String fingerprint, int iteration, long rngState, double elapsedSeconds, double[] curve,
                     double[][] params, double[][] adam) {
    static final String FORMAT = "art-ppo-checkpoint/1";

    void write(Path path) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(FORMAT);
                out.writeUTF(fingerprint);
                out.writeInt(iteration);
                out.writeLong(rngState);
                out.writeDouble(elapsedSeconds);
                writeBlock(out, new double[][] {curve});
                writeBlock(out, params);
                writeBlock(out, adam);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            new DataOutputStream(bytes).writeLong(crc.getValue());
            AtomicFiles.write(path, bytes.toByteArray(), "PPO checkpoint");
        } catch (IOException e) {
            throw new ArtException("cannot write PPO checkpoint " + path + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new ArtException(e.getMessage(), e);
        }
    }

    static PpoCheckpoint read(Path path) {
        try {
            byte[] all = Files.readAllBytes(path);
            CRC32 crc = new CRC32();
            crc.update(all, 0, Math.max(0, all.length - 8));
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all));
            if (all.length < 8 || !FORMAT.equals(in.readUTF())) {
                throw new ArtException("PPO checkpoint " + path + ": expected the format " + FORMAT
                        + ", found another file; delete it or start a fresh run");
            }
            PpoCheckpoint c = new PpoCheckpoint(in.readUTF(), in.readInt(), in.readLong(), in.readDouble(),
                    readBlock(in)[0], readBlock(in), readBlock(in));
            if (in.readLong() != crc.getValue()) {
                throw new ArtException("PPO checkpoint " + path + " is corrupt (expected its CRC-32, found another);"
                        + " delete it or start a fresh run");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ArtException a) {
                throw a;
            }
            throw new ArtException("cannot read PPO checkpoint " + path + ": expected a complete " + FORMAT
                    + " file, found " + e + "; delete it or start a fresh run", e);
        }
    }

    private static void writeBlock(DataOutputStream out, double[][] block) throws IOException {
        out.writeInt(block.length);
        for (double[] a : block) {
            out.writeInt(a.length);
            for (double v : a) {
                out.writeDouble(v);
            }
        }
    }

    private static double[][] readBlock(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("bad block size " + n);
        }
        double[][] block = new double[n][];
        for (int i = 0; i < n; i++) {
            int m = in.readInt();
            if (m < 0 || m > 1 << 26) {
                throw new IOException("bad array size " + m);
            }
            block[i] = new double[m];
            for (int j = 0; j < m; j++) {
                block[i][j] = in.readDouble();
            }
        }
        return block;
    }
}
