package dev.artsched.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.artsched.scheduler.ArtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates sessions: the session options, the execution provider (CUDA with a logged fallback to CPU) and the
 * session over a file or bytes in the shared {@link OrtEnvironment}. The only place options and sessions are made.
 */
final class OrtSessions {
    /** Logged under {@link OrtModel}, the wrapper a user sees in stack traces and log configuration. */
    private static final Logger LOG = LoggerFactory.getLogger("dev.artsched.onnx.OrtModel");

    private OrtSessions() {
    }

    /** Where a session's graph comes from. */
    @FunctionalInterface
    interface Source {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;

        /** A model file (opened by its absolute path). */
        static Source file(Path path) {
            String p = path.toAbsolutePath().toString();
            return (env, so) -> env.createSession(p, so);
        }

        /** A model held in memory. */
        static Source bytes(byte[] model) {
            return (env, so) -> env.createSession(model, so);
        }
    }

    /**
     * An open session with the options it was created with (closed after it) and the provider that runs it.
     *
     * @param fallbackReason why a requested CUDA provider was not used, or null
     */
    record Opened(OrtSession session, OrtSession.SessionOptions options, ExecutionProvider provider,
                  String fallbackReason) {

        /** Closes the session, then its options; the first failure is rethrown after both were attempted. */
        void close() throws OrtException {
            try {
                session.close();
            } finally {
                options.close();
            }
        }

        /** {@link #close()} for a half-built model whose own failure is being reported. */
        void closeQuietly() {
            try {
                close();
            } catch (OrtException e) {
                LOG.debug("closing a half-opened session failed", e);
            }
        }
    }

    /**
     * Checks that {@code path} is a non-empty readable file; a missing, an empty and an unreadable file each get
     * their own message.
     *
     * @return the file's size in bytes
     */
    static long checkFile(Path path) {
        if (path == null) {
            throw new ArtException("ONNX model path must not be null");
        }
        if (!Files.exists(path)) {
            throw new ArtException("ONNX model file not found: expected a readable .onnx file at " + path
                    + ", found nothing there");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ArtException("ONNX model " + path + ": expected a readable regular file, found "
                    + (Files.isDirectory(path) ? "a directory" : "an unreadable file"));
        }
        long bytes;
        try {
            bytes = Files.size(path);
        } catch (IOException e) {
            throw new ArtException("ONNX model " + path + ": could not read its size: " + e.getMessage(), e);
        }
        if (bytes == 0) {
            throw new ArtException("ONNX model " + path + ": expected an ONNX protobuf, found an empty file (0 bytes)");
        }
        return bytes;
    }

    /**
     * Opens a session with the requested provider and thread count. A CUDA (or auto) request that fails to start
     * is logged (WARN, or INFO for auto) and the session is created on the CPU instead.
     *
     * @throws OrtException if the CPU session cannot be created (its options are closed first)
     */
    static Opened open(String label, OnnxOptions options, Source source) throws OrtException {
        OrtEnvironment env = OrtEnvironments.shared();
        ExecutionProvider requested = options.executionProvider();
        String fallback = null;
        if (requested.kind() != ExecutionProvider.Kind.CPU) {
            OrtSession.SessionOptions so = null;
            try {
                so = baseOptions(options);
                so.addCUDA(requested.device());
                return new Opened(source.create(env, so), so, ExecutionProvider.cuda(requested.device()), null);
            } catch (OrtException e) {
                fallback = OrtErrors.describe(e);
                String msg = "CUDA execution provider (device {}) did not start for {} ({}); continuing on CPU";
                if (requested.kind() == ExecutionProvider.Kind.AUTO) {
                    LOG.info(msg, requested.device(), label, fallback);
                } else {
                    LOG.warn(msg, requested.device(), label, fallback);
                }
                if (so != null) {
                    so.close();
                }
            } catch (RuntimeException e) {
                if (so != null) {
                    so.close();
                }
                throw e;
            }
        }
        OrtSession.SessionOptions so = baseOptions(options);
        try {
            return new Opened(source.create(env, so), so, ExecutionProvider.CPU, fallback);
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    private static OrtSession.SessionOptions baseOptions(OnnxOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return so;
        } catch (OrtException e) {
            so.close();
            throw e;
        }
    }
}
