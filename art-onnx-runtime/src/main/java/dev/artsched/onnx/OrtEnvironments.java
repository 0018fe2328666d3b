package dev.artsched.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import dev.artsched.scheduler.ArtException;

/**
 * The process-wide {@link OrtEnvironment}, initialised safely. ONNX Runtime 1.29's native initialisation uses
 * stack space that grows with the process command line: with a command line over ~4 KB (a long {@code -cp})
 * the JVM dies with SIGSEGV on a default 1 MB thread stack. The first call therefore creates the environment on
 * a short-lived thread with a 64 MB stack; later calls return the same environment. Never closed here. Its log
 * level is fatal: failures reach callers as exceptions, so native warning and error lines stay off stderr.
 */
public final class OrtEnvironments {
    private static final long STACK_BYTES = 64L << 20;
    private static volatile OrtEnvironment env;

    private OrtEnvironments() {
    }

    /** The shared environment (created on first use on a large-stack thread). */
    public static OrtEnvironment shared() {
        OrtEnvironment e = env;
        if (e != null) {
            return e;
        }
        synchronized (OrtEnvironments.class) {
            if (env == null) {
                OrtEnvironment[] holder = new OrtEnvironment[1];
                Throwable[] failure = new Throwable[1];
                Thread t = new Thread(null, () -> {
                    try {
                        // ONNX Runtime's own log lines (shape-merge warnings of malformed graphs, errors it also
                        // raises as exceptions) would reach the user's stderr raw; every failure arrives as an
                        // exception and is reported once, so only fatal lines are left to its logger
                        holder[0] = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "art");
                    } catch (Throwable ex) {
                        failure[0] = ex;
                    }
                }, "ort-environment-init", STACK_BYTES);
                t.start();
                try {
                    t.join();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new ArtException("interrupted while initialising ONNX Runtime", ex);
                }
                if (failure[0] != null) {
                    throw new ArtException("ONNX Runtime failed to initialise: " + failure[0], failure[0]);
                }
                env = holder[0];
            }
            return env;
        }
    }
}
