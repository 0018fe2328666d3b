package dev.artsched.training;

import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A model opened with {@link DenoiserOptions}: the denoiser, its file or analytic name, provenance, the native
 * resources to close (in reverse order) and how to open its JVP graph with the same conditioning.
 */
record Assembled(Denoiser denoiser, Path file, String analyticName, Map<String, Object> provenance,
                 List<AutoCloseable> resources, JvpOpener jvp) {

    /** Opens the model's exported JVP graph, handing what it opens to {@code owner}. */
    @FunctionalInterface
    interface JvpOpener {
        JvpDenoiser open(Path jvpGraph, Consumer<AutoCloseable> owner);
    }
}
