package dev.artsched.training;

import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;

/**
 * How a model is opened beyond its file or analytic name: conditioning (a conditioning set, an optional one-row
 * unconditional set and the classifier-free guidance weight w, with the seed that orders the rows) and, for raw
 * networks in their own parameterisation, the {@link Parameterisation}. {@link #NONE} opens the model as it is.
 *
 * @param cond     conditioning set file (.npz, .npy or JSON), or null
 * @param uncond   one-row unconditional set file, or null
 * @param guidance the guidance weight w (1 = no guidance)
 * @param rowSeed  the seed of the row order (sample b of a batch uses row perm(seed)[b mod M])
 * @param param    the raw network's parameterisation, or null for an EDM denoiser graph
 */
public record DenoiserOptions(Path cond, Path uncond, double guidance, long rowSeed, Parameterisation param) {
    /** No conditioning, an EDM denoiser. */
    public static final DenoiserOptions NONE = new DenoiserOptions(null, null, 1.0, 0, null);

    /** Validates: w finite; w != 1 needs an unconditional set; an unconditional set needs a conditioning set. */
    public DenoiserOptions {
        if (!Double.isFinite(guidance)) {
            throw new ArtException("the guidance weight must be finite, found " + guidance);
        }
        if (guidance != 1.0 && uncond == null) {
            throw new ArtException("guidance w = " + guidance + " needs an unconditional set (one row); expected "
                    + "one, found none (w = 1 turns guidance off)");
        }
        if (uncond != null && cond == null) {
            throw new ArtException("an unconditional set needs a conditioning set; expected both, found only "
                    + uncond);
        }
    }

    /** Conditioning with these files and weight, rows ordered by {@code seed}. */
    public static DenoiserOptions conditioning(Path cond, Path uncond, double guidance, long seed) {
        return new DenoiserOptions(cond, uncond, guidance, seed, null);
    }

    /** These options for a raw network in parameterisation {@code p}. */
    public DenoiserOptions withParameterisation(Parameterisation p) {
        return new DenoiserOptions(cond, uncond, guidance, rowSeed, p);
    }

    /** Whether a conditioning set is given. */
    public boolean conditioned() {
        return cond != null;
    }

    /** Whether guidance is on (w != 1 with an unconditional set). */
    public boolean guided() {
        return cond != null && uncond != null && guidance != 1.0;
    }
}
