package dev.artsched.training;

import dev.artsched.onnx.OnnxConditionalDenoiser;
import dev.artsched.onnx.OnnxOptions;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import dev.artsched.sampling.conditional.ConditionalDenoiser;
import dev.artsched.sampling.conditional.ConditionedDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.sampling.conditional.ConditioningFiles;
import dev.artsched.sampling.conditional.GuidedDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens models that need more than a file: conditional models with a conditioning set (a
 * {@link ConditionedDenoiser}, or with an unconditional row and w != 1 a {@link GuidedDenoiser}: one model call
 * of batch 2B per evaluation) and raw networks in their own parameterisation ({@link RawNetworks}). Records the
 * conditioning in the provenance: files and sha256, the number of rows, the row order and w.
 */
final class DenoiserAssembly {
    /** The longest row order recorded in provenance. */
    static final int MAX_RECORDED_ROWS = 4096;

    private DenoiserAssembly() {
    }

    static DenoiserSource open(String spec, DenoiserOptions o) {
        String trimmed = spec == null ? "" : spec.trim();
        boolean raw = o.param() != null && !o.param().edm();
        if (trimmed.startsWith(AnalyticModels.PREFIX)) {
            if (raw) {
                throw new ArtException("prediction " + o.param().prediction() + " is for raw ONNX networks; expected "
                        + "edm for the analytic model " + trimmed + ", found " + o.param().prediction());
            }
            String name = trimmed.substring(AnalyticModels.PREFIX.length());
            if (!name.startsWith(ClassConditionalMixture.PREFIX)) {
                AnalyticModels.denoiser(name);
                throw new ArtException("the analytic model " + trimmed + " is unconditional: expected no conditioning "
                        + "set, found " + o.cond() + " (the conditional analytic models are analytic:classmix-SEED)");
            }
            ClassConditionalMixture model = ClassConditionalMixture.parse(name);
            Sets sets = Sets.read(o);
            Denoiser d = wrap(model, sets, o);
            DenoiserSource s = new DenoiserSource(spec, d, null, name);
            s.putProvenance("model", trimmed);
            s.putProvenance("conditioning", provenance(o, sets, d));
            s.conditionedJvp(p -> {
                throw new ArtException("a JVP graph is for ONNX models: the analytic model " + trimmed
                        + " has an exact JVP; expected none, found " + p);
            });
            return s;
        }
        Path path = DenoiserSource.onnxPath(spec);
        if (raw) {
            return RawNetworks.open(spec, path, o);
        }
        Sets sets = Sets.read(o);
        OnnxConditionalDenoiser model = OnnxConditionalDenoiser.load(path, OnnxOptions.defaults());
        DenoiserSource s;
        Denoiser d;
        try {
            d = wrap(model, sets, o);
            s = new DenoiserSource(spec, d, path, null);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        s.own(model);
        s.putModelProvenance(model.metadata(), path);
        s.putProvenance("conditioning", provenance(o, sets, d));
        s.conditionedJvp(jvp -> (JvpDenoiser) wrap(s.own(OnnxConditionalDenoiser.load(path, jvp,
                OnnxOptions.defaults())), sets, o));
        return s;
    }

    /** The conditioning and unconditional sets of {@code o}, read once. */
    record Sets(Conditioning cond, Conditioning uncond) {
        static Sets read(DenoiserOptions o) {
            return new Sets(ConditioningFiles.read(o.cond()), o.uncond() == null ? null
                    : ConditioningFiles.read(o.uncond()));
        }
    }

    /** The model with its conditioning: guided when w != 1, else conditioned. */
    static Denoiser wrap(ConditionalDenoiser model, Sets sets, DenoiserOptions o) {
        if (o.guided()) {
            return GuidedDenoiser.of(model, sets.cond(), sets.uncond(), o.guidance(), o.rowSeed());
        }
        if (sets.uncond() != null) {
            sets.uncond().bind(model.conditioningInputs(), model.label());
        }
        return ConditionedDenoiser.of(model, sets.cond(), o.rowSeed());
    }

    /** The provenance of the conditioning: files, sha256, rows and their order, w. */
    static Map<String, Object> provenance(DenoiserOptions o, Sets sets, Denoiser d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cond_file", o.cond().toString());
        m.put("cond_sha256", DenoiserSource.sha256(o.cond()));
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
            m.put("uncond_sha256", DenoiserSource.sha256(o.uncond()));
        }
        m.put("guidance", o.guidance());
        m.put("model_calls_per_evaluation", 1);
        m.put("model_batch_per_sample", o.guided() ? 2 : 1);
        return m;
    }
}
