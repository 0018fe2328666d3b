package dev.artsched.eval;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The check every training run makes before it writes: the new grid, EDM on the model's range and (for learners
 * other than the closed form) the ART closed form, evaluated by ref-rmse on a small set of held-out noises that no
 * learner saw. A learned grid worse than one the tool already knows is reported with the better one's name.
 *
 * @param samples        held-out samples
 * @param referenceSteps Heun steps of the reference solution
 * @param values         ref-rmse by grid: {@code grid}, {@code edm}, and {@code closed-form} when compared
 * @param better         the best known grid that beats the new one, or null when none does
 */
public record QualityGuard(int samples, int referenceSteps, Map<String, Double> values, String better) {
    /** Held-out samples of the guard. */
    public static final int SAMPLES = 64;
    /** Heun steps of the guard's reference solutions. */
    public static final int REFERENCE_STEPS = 128;
    /** The noise seed of the guard, disjoint from the learners' seeds. */
    public static final long SEED = 0x6A09E667F3BCC908L;

    /** Copies. */
    public QualityGuard {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Evaluates {@code grid} against EDM (with the model's sigma range) and, when given, the closed-form grid of
     * the same step count.
     */
    public static QualityGuard check(Denoiser denoiser, Schedule grid, Solver solver, double[] closedForm) {
        double sMin = denoiser.sigmaMin().orElse(ReferenceSolutions.Options.DEFAULT_SIGMA_MIN);
        ReferenceSolutions refs = new ReferenceSolutions(denoiser, new ReferenceSolutions.Options(SAMPLES, SEED,
                SAMPLES, REFERENCE_STEPS, 7.0, Math.min(sMin, grid.sigmaMinPositive())));
        RefRmse metric = new RefRmse(refs, solver);
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("grid", metric.evaluate(grid, StepListener.NONE));
        Schedule edm = TimestepSchedulers.create(String.format(Locale.ROOT, "edm:sigma_max=%s", grid.sigmaMax()))
                .withModelRange(denoiser.sigmaRange()).schedule(grid.steps());
        values.put("edm", metric.evaluate(edm, StepListener.NONE));
        if (closedForm != null) {
            values.put("closed-form", metric.evaluate(new Schedule("closed-form", closedForm, "closed form"),
                    StepListener.NONE));
        }
        String better = null;
        double best = values.get("grid");
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (!e.getKey().equals("grid") && e.getValue() < best) {
                best = e.getValue();
                better = e.getKey();
            }
        }
        return new QualityGuard(SAMPLES, REFERENCE_STEPS, values, better);
    }

    /** The provenance entry. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", RefRmse.ID);
        m.put("samples", samples);
        m.put("seed", SEED);
        m.put("reference_steps", referenceSteps);
        m.put("ref_rmse", values);
        m.put("better", better);
        return m;
    }

    /** One line: {@code held-out ref-rmse 0.12 (EDM 0.20, closed form 0.11)}. */
    public String summary() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "held-out ref-rmse %.4g (EDM %.4g",
                values.get("grid"), values.get("edm")));
        if (values.containsKey("closed-form")) {
            b.append(String.format(Locale.ROOT, ", closed form %.4g", values.get("closed-form")));
        }
        return b.append(')').toString();
    }

    /** The warning when a known grid beats the new one, else null. */
    public String warning() {
        if (better == null) {
            return null;
        }
        return String.format(Locale.ROOT, "the new grid is worse than %s on %d held-out samples (ref-rmse %.4g vs "
                + "%.4g); %s", better.equals("edm") ? "EDM" : "the closed form", samples, values.get("grid"),
                values.get(better), better.equals("edm") ? "the edm scheduler gives the better grid"
                        : "the closed-form method gives the better grid");
    }
}
