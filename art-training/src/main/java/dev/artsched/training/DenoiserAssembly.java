package dev.artsched.training;

import dev.artsched.onnx.OnnxConditionalDenoiser;
import dev.artsched.onnx.OnnxOptions;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.sampling.analytic.ClassConditionalMixture;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens models that need more than a file: conditional models with a conditioning set ({@link Conditionings}:
 * conditioned, or guided with one model call of batch 2B per evaluation) and raw networks in their own
 * parameterisation ({@link RawNetworks}).
 */
final class DenoiserAssembly {
    private DenoiserAssembly() {
    }

    static Assembled open(String spec, DenoiserOptions o) {
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
            Conditionings.Sets sets = Conditionings.Sets.read(o);
            Denoiser d = Conditionings.wrap(model, sets, o);
            Map<String, Object> prov = new LinkedHashMap<>();
            prov.put("model", trimmed);
            prov.put("conditioning", Conditionings.provenance(o, sets, d));
            return new Assembled(d, null, name, prov, List.of(), (p, owner) -> {
                throw new ArtException("a JVP graph is for ONNX models: the analytic model " + trimmed
                        + " has an exact JVP; expected none, found " + p);
            });
        }
        Path path = ModelFiles.onnxPath(spec, AnalyticModels.names().toString());
        if (raw) {
            return RawNetworks.open(path, o);
        }
        Conditionings.Sets sets = Conditionings.Sets.read(o);
        OnnxConditionalDenoiser model = OnnxConditionalDenoiser.load(path, OnnxOptions.defaults());
        Denoiser d;
        try {
            d = Conditionings.wrap(model, sets, o);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        Map<String, Object> prov = ModelFiles.provenance(model.metadata(), path);
        prov.put("conditioning", Conditionings.provenance(o, sets, d));
        return new Assembled(d, path, null, prov, List.of(model), (jvp, owner) -> {
            OnnxConditionalDenoiser.WithJvp j = OnnxConditionalDenoiser.load(path, jvp, OnnxOptions.defaults());
            owner.accept(j);
            return (JvpDenoiser) Conditionings.wrap(j, sets, o);
        });
    }
}
