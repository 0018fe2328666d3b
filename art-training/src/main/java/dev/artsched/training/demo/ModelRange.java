package dev.artsched.training.demo;

import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.TimestepSchedulers;

import java.util.Locale;
import java.util.Set;

/** Fills a built-in scheduler spec's sigma range from the model's metadata when the spec does not set it. */
final class ModelRange {
    private static final Set<String> RANGED = Set.of("edm", "uniform", "exponential", "polyexponential");

    private ModelRange() {
    }

    static String apply(String spec, Denoiser d) {
        TimestepSchedulers.Spec parsed = TimestepSchedulers.Spec.parse(spec);
        if (!RANGED.contains(parsed.name())) {
            return spec;
        }
        StringBuilder sb = new StringBuilder(spec.trim());
        char sep = spec.contains(":") ? ',' : ':';
        if (!parsed.options().containsKey("sigma_max") && d.sigmaMax().isPresent()) {
            sb.append(sep).append("sigma_max=").append(String.format(Locale.ROOT, "%s", d.sigmaMax().getAsDouble()));
            sep = ',';
        }
        if (!parsed.options().containsKey("sigma_min") && d.sigmaMin().isPresent()) {
            sb.append(sep).append("sigma_min=").append(String.format(Locale.ROOT, "%s", d.sigmaMin().getAsDouble()));
        }
        return sb.toString();
    }
}
