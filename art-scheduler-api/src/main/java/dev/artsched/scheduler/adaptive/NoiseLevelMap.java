package dev.artsched.scheduler.adaptive;

import dev.artsched.scheduler.ArtException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monotone map between the normalised noise level t in [0, 1] of an adaptive policy and the model's sigma:
 * log-sigma is affine in t, {@code sigma(t) = sigma_min^(1 - t) sigma_max^t} for t > 0 (t = 1 is sigma_max, t to 0
 * approaches sigma_min), and t <= 0 means the final step to sigma = 0. Immutable.
 *
 * @param sigmaMin the sigma at t = 0+, > 0
 * @param sigmaMax the sigma at t = 1, > sigmaMin
 */
public record NoiseLevelMap(double sigmaMin, double sigmaMax) {
    /** The recorded name of this map in provenance. */
    public static final String KIND = "log-sigma";

    /** Validates. */
    public NoiseLevelMap {
        if (!(sigmaMin > 0) || !(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("a noise-level map expected 0 < sigma_min < sigma_max (finite), found sigma_min = "
                    + sigmaMin + ", sigma_max = " + sigmaMax);
        }
    }

    /** sigma at t: 0 for t <= 0, else sigma_min^(1 - t) sigma_max^t (t above 1 is clamped to 1). */
    public double sigma(double t) {
        if (!(t > 0)) {
            return 0.0;
        }
        double u = Math.min(t, 1.0);
        return Math.exp((1 - u) * Math.log(sigmaMin) + u * Math.log(sigmaMax));
    }

    /** t at sigma: 0 for sigma <= sigma_min, 1 for sigma >= sigma_max, else the log-affine inverse. */
    public double t(double sigma) {
        if (!(sigma > sigmaMin)) {
            return 0.0;
        }
        if (sigma >= sigmaMax) {
            return 1.0;
        }
        return (Math.log(sigma) - Math.log(sigmaMin)) / (Math.log(sigmaMax) - Math.log(sigmaMin));
    }

    /** The map for provenance: kind and range. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", KIND);
        d.put("sigma_min", sigmaMin);
        d.put("sigma_max", sigmaMax);
        return d;
    }
}
