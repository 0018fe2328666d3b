package dev.artsched.scheduler;


import java.util.OptionalDouble;

/**
 * The noise range a model was trained for, as far as it is known; passed to
 * {@link TimestepScheduler#withModelRange(SigmaRange)} so a scheduler can fit its grid to the model.
 *
 * @param sigmaMin the smallest trained sigma (finite, >= 0), if known
 * @param sigmaMax the largest trained sigma (finite, > 0, above sigmaMin), if known
 */
public record SigmaRange(OptionalDouble sigmaMin, OptionalDouble sigmaMax) {
    /**
     * Largest noise level a float32 model can be run at: next to noise of 1e5 the float32 spacing is 2^-7, so
     * unit-scale data is still resolved to about 1%; above it the model sees noise only.
     */
    public static final double MAX_SIGMA = 1e5;
    /** Smallest positive noise level a float32 model can be given (the smallest normal float32). */
    public static final double MIN_POSITIVE_SIGMA = Float.MIN_NORMAL;

    /**
     * {@code value} when it is a noise level a float32 model resolves (finite, in [{@link #MIN_POSITIVE_SIGMA},
     * {@link #MAX_SIGMA}]), else an {@link ArtException} naming {@code what} and the bounds.
     */
    public static double checkSigma(String what, double value) {
        if (!(value >= MIN_POSITIVE_SIGMA && value <= MAX_SIGMA)) {
            throw new ArtException(what + " must be a finite noise level in [" + MIN_POSITIVE_SIGMA + ", "
                    + MAX_SIGMA + "] (what a float32 model resolves), found " + value);
        }
        return value;
    }

    /** Nothing known about the model's range. */
    public static final SigmaRange UNKNOWN = new SigmaRange(OptionalDouble.empty(), OptionalDouble.empty());

    /** Validates; a null component means unknown. */
    public SigmaRange {
        sigmaMin = sigmaMin == null ? OptionalDouble.empty() : sigmaMin;
        sigmaMax = sigmaMax == null ? OptionalDouble.empty() : sigmaMax;
        if (sigmaMin.isPresent()) {
            double v = sigmaMin.getAsDouble();
            if (!Double.isFinite(v) || !(v >= 0)) {
                throw new ArtException("model sigma_min must be finite and >= 0, found " + v);
            }
        }
        if (sigmaMax.isPresent()) {
            double v = sigmaMax.getAsDouble();
            if (!Double.isFinite(v) || !(v > 0)) {
                throw new ArtException("model sigma_max must be finite and > 0, found " + v);
            }
            checkSigma("model sigma_max", v);
        }
        if (sigmaMin.isPresent() && sigmaMax.isPresent() && !(sigmaMin.getAsDouble() < sigmaMax.getAsDouble())) {
            throw new ArtException("model sigma_min must be below sigma_max = " + sigmaMax.getAsDouble() + ", found "
                    + sigmaMin.getAsDouble());
        }
    }

    /** A fully known range. */
    public static SigmaRange of(double sigmaMin, double sigmaMax) {
        return new SigmaRange(OptionalDouble.of(sigmaMin), OptionalDouble.of(sigmaMax));
    }

    /** Whether neither end is known. */
    public boolean isUnknown() {
        return sigmaMin.isEmpty() && sigmaMax.isEmpty();
    }
}
