package dev.artsched.training;

import dev.artsched.scheduler.ArtException;

import java.util.concurrent.Callable;

/**
 * Runs work on a thread with a 64 MB stack. ONNX Runtime 1.29 overflows the default 1 MB Java thread stack while
 * creating a session for some graphs (the JVM dies with SIGSEGV, no exception), so the commands that open ONNX
 * models run their body here. Exceptions of the body are rethrown unchanged.
 */
public final class LargeStack {
    /** Stack size of the worker thread in bytes. */
    public static final long STACK_BYTES = 64L << 20;

    private LargeStack() {
    }

    /** Calls {@code body} on a fresh large-stack thread and waits for it. */
    public static <T> T call(String name, Callable<T> body) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = body.call();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, name, STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new ArtException("interrupted while waiting for " + name, e);
        }
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }
}
