package dev.artsched.training.problem;

import dev.artsched.scheduler.ArtException;

import java.util.Map;
import java.util.Objects;

/**
 * What ART optimises a grid for: the flow of one model on [sigma_min, T], the initial-state distribution, and
 * the norm that turns Q into |Q|. Physical time runs psi in [0, T] with noise level s = T - psi; queries are
 * clamped to s >= sigma_min (docs/MATH.md section 2).
 *
 * @param model      the flow (F and Q)
 * @param sigmaMax   T, the first sigma of every grid, > sigma_min
 * @param sigmaMin   the smallest noise level the model is queried at, > 0
 * @param initial    distribution of x at sigma = T
 * @param norm       the |Q| reduction
 * @param provenance model id, sha256 and similar facts copied into schedule files
 */
public record ArtProblem(FlowModel model, double sigmaMax, double sigmaMin, InitialState initial, QNorm norm,
                         Map<String, Object> provenance) {

    /** Default sigma_min when neither an option nor model metadata gives one. */
    public static final double DEFAULT_SIGMA_MIN = 0.002;
    /** Default T when neither an option nor model metadata gives one. */
    public static final double DEFAULT_SIGMA_MAX = 80.0;

    /** Validates. */
    public ArtProblem {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(norm, "norm");
        provenance = provenance == null ? Map.of() : Map.copyOf(provenance);
        if (!(sigmaMin > 0) || !Double.isFinite(sigmaMin)) {
            throw new ArtException("sigma_min must be finite and > 0, found " + sigmaMin);
        }
        if (!(sigmaMax > sigmaMin) || !Double.isFinite(sigmaMax)) {
            throw new ArtException("sigma_max (T) must be finite and > sigma_min = " + sigmaMin + ", found "
                    + sigmaMax);
        }
        dev.artsched.scheduler.SigmaRange.checkSigma("sigma_max (T)", sigmaMax);
        dev.artsched.scheduler.SigmaRange.checkSigma("sigma_min", sigmaMin);
    }

    /** State dimension d. */
    public int dim() {
        return model.dim();
    }

    /** The queried noise level at physical time psi: max(T - psi, sigma_min). */
    public double queriedSigma(double psi) {
        return Math.max(sigmaMax - psi, sigmaMin);
    }
}
