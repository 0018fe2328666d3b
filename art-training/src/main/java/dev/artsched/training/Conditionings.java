package dev.artsched.training;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.conditional.ConditionalDenoiser;
import dev.artsched.sampling.conditional.ConditionedDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.sampling.conditional.ConditioningFiles;
import dev.artsched.sampling.conditional.GuidedDenoiser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conditioning of {@link DenoiserOptions} applied to a conditional model: a {@link ConditionedDenoiser}, or
 * with an unconditional row and w != 1 a {@link GuidedDenoiser} (one model call of batch 2B per evaluation), and
 * its provenance (files and sha256, rows, row order, w).
 */
final class Conditionings {
    /** The longest row order recorded in provenance. */
    static final int MAX_RECORDED_ROWS = 4096;

    private Conditionings() {
    }

    /** The conditioning and unconditional sets of some options, read once. */
    record Sets(Conditioning cond, Conditioning uncond) {
        static Sets read(DenoiserOptions o) {
            return new Sets(ConditioningFiles.read(o.cond()), o.uncond() == null ? null
                    : ConditioningFiles.read(o.uncond()));
        }
    }

    /** The model with its conditioning: guided when w != 1, else conditioned (an unconditional set is checked). */
    static Denoiser wrap(ConditionalDenoiser model, Sets sets, DenoiserOptions o) {
        if (o.guided()) {
            return GuidedDenoiser.of(model, sets.cond(), sets.uncond(), o.guidance(), o.rowSeed());
        }
        if (sets.uncond() != null) {
            sets.uncond().bind(model.conditioningInputs(), model.label());
        }
        return ConditionedDenoiser.of(model, sets.cond(), o.rowSeed());
    }

    /** The provenance of the conditioning of {@code d} (a wrapper from {@link #wrap}). */
    static Map<String, Object> provenance(DenoiserOptions o, Sets sets, Denoiser d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cond_file", o.cond().toString());
        m.put("cond_sha256", ModelFiles.sha256(o.cond()));
        m.put("cond_rows", sets.cond().rows());
        m.put("inputs", sets.cond().names());
        int[] order = d instanceof GuidedDenoiser g ? g.rowOrder() : ((ConditionedDenoiser) d).rowOrder();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(order.length, MAX_RECORDED_ROWS); i++) {
            rows.add(order[i]);
        }
        m.put("row_order", rows);
        m.put("row_rule", "sample b of a batch uses row row_order[b mod cond_rows]");
        m.put("row_seed", o.rowSeed());
        if (o.uncond() != null) {
            m.put("uncond_file", o.uncond().toString());
            m.put("uncond_sha256", ModelFiles.sha256(o.uncond()));
        }
        m.put("guidance", o.guidance());
        m.put("model_calls_per_evaluation", 1);
        m.put("model_batch_per_sample", o.guided() ? 2 : 1);
        return m;
    }
}
