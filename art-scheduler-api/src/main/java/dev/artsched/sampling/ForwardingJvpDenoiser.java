package dev.artsched.sampling;

import dev.artsched.scheduler.ArtException;

import java.util.OptionalDouble;

/**
 * Base of {@link JvpDenoiser}s built over another {@link Denoiser}: every {@code Denoiser} method forwards to the
 * delegate, subclasses supply {@link #jvp} and override whatever else they change (e.g. the sigma range).
 */
public abstract class ForwardingJvpDenoiser implements JvpDenoiser {
    private final Denoiser delegate;

    /**
     * @param delegate the denoiser every {@code Denoiser} method forwards to
     * @throws ArtException if {@code delegate} is null
     */
    protected ForwardingJvpDenoiser(Denoiser delegate) {
        if (delegate == null) {
            throw new ArtException("the delegate denoiser must not be null");
        }
        this.delegate = delegate;
    }

    /** The denoiser this object forwards to. */
    protected final Denoiser delegate() {
        return delegate;
    }

    @Override
    public int sampleSize() {
        return delegate.sampleSize();
    }

    @Override
    public long[] sampleShape() {
        return delegate.sampleShape();
    }

    @Override
    public void denoise(float[] x, float[] sigma, int batch, float[] out) {
        delegate.denoise(x, sigma, batch, out);
    }

    @Override
    public OptionalDouble sigmaMin() {
        return delegate.sigmaMin();
    }

    @Override
    public OptionalDouble sigmaMax() {
        return delegate.sigmaMax();
    }

    @Override
    public OptionalDouble sigmaData() {
        return delegate.sigmaData();
    }
}
