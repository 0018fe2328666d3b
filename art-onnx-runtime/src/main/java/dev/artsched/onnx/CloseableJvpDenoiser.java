package dev.artsched.onnx;

import dev.artsched.sampling.JvpDenoiser;

/** A {@link JvpDenoiser} that holds native resources; {@link #close()} is idempotent and throws nothing checked. */
public interface CloseableJvpDenoiser extends JvpDenoiser, AutoCloseable {

    @Override
    void close();
}
