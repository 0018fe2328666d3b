package dev.artsched.training;

import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where the model comes from: an ONNX denoiser file or an analytic model ({@code analytic:gauss1d},
 * {@code analytic:mixture2d}, reporting the sigma range of their ONNX exports). The one model loader of the
 * trainer and of every CLI command. Collects provenance (model id, sha256 of every file used) and owns the native
 * resources opened for it, closing them in reverse order. Not thread-safe.
 */
public final class DenoiserSource implements AutoCloseable {
    private final String spec;
    private final Denoiser denoiser;
    private final Path file;
    private final String analyticName;
    private final Map<String, Object> provenance = new LinkedHashMap<>();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    /** Opens the JVP graph with the same conditioning (null: a plain model). */
    private Assembled.JvpOpener assembledJvp;

    private DenoiserSource(String spec, Denoiser denoiser, Path file, String analyticName) {
        this.spec = spec;
        this.denoiser = denoiser;
        this.file = file;
        this.analyticName = analyticName;
    }

    /**
     * Opens {@code analytic:NAME} or an ONNX file path with {@code options}: conditioning (a conditioning set, an
     * unconditional row and the guidance weight; see {@link DenoiserAssembly}) and the raw network's
     * parameterisation. {@link DenoiserOptions#NONE} (or null) is {@link #open(String)}.
     */
    public static DenoiserSource open(String spec, DenoiserOptions options) {
        if (options == null || (!options.conditioned() && (options.param() == null || options.param().edm()))) {
            return open(spec);
        }
        Assembled a = DenoiserAssembly.open(spec, options);
        DenoiserSource s = new DenoiserSource(spec, a.denoiser(), a.file(), a.analyticName());
        a.resources().forEach(s.resources::push);
        s.provenance.putAll(a.provenance());
        s.assembledJvp = a.jvp();
        return s;
    }

    /** Opens {@code analytic:NAME} or an ONNX file path. */
    public static DenoiserSource open(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new ArtException("the denoiser must be an ONNX file or analytic:NAME (one of "
                    + AnalyticModels.names() + "), found nothing");
        }
        if (spec.trim().startsWith(AnalyticModels.PREFIX)) {
            String name = spec.trim().substring(AnalyticModels.PREFIX.length());
            DenoiserSource s = new DenoiserSource(spec, AnalyticModels.ranged(name), null, name);
            s.provenance.put("model", spec);
            return s;
        }
        Path path = ModelFiles.onnxPath(spec, AnalyticModels.names().toString());
        OnnxDenoiser onnx = OnnxDenoiser.load(path);
        DenoiserSource s = new DenoiserSource(spec, onnx, path, null);
        s.resources.push(onnx);
        s.provenance.putAll(ModelFiles.provenance(onnx.metadata(), path));
        return s;
    }

    /** The spec this source was opened from. */
    public String spec() {
        return spec;
    }

    /** The forward denoiser. */
    public Denoiser denoiser() {
        return denoiser;
    }

    /** The ONNX file, if this is an ONNX model. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The analytic model name, if analytic. */
    public Optional<String> analyticName() {
        return Optional.ofNullable(analyticName);
    }

    /** Whether the model runs with a conditioning set (and possibly guidance). */
    public boolean conditioned() {
        return provenance.containsKey("conditioning");
    }

    /**
     * The model with its exported JVP graph {@code jvpGraph} (an ONNX model), conditioned and guided like
     * {@link #denoiser()}; owned by this source.
     */
    public JvpDenoiser withJvpGraph(Path jvpGraph) {
        if (assembledJvp != null) {
            return assembledJvp.open(jvpGraph, this::own);
        }
        return own(dev.artsched.onnx.OnnxJvpDenoiser.load(file().orElseThrow(() -> new ArtException(
                "a JVP graph is for ONNX models; expected an ONNX denoiser, found " + spec)), jvpGraph));
    }

    /** The model's exact JVP when it is analytic. */
    public Optional<JvpDenoiser> exactJvp() {
        return analyticName == null ? Optional.empty() : Optional.of((JvpDenoiser) denoiser);
    }

    /** Adds a provenance entry (e.g. the JVP graph's sha256). */
    public void putProvenance(String key, Object value) {
        provenance.put(key, value);
    }

    /** Provenance collected so far. */
    public Map<String, Object> provenance() {
        return Collections.unmodifiableMap(provenance);
    }

    /** Hands a resource to this source; it is closed (before earlier ones) by {@link #close()}. */
    public <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        ArtException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new ArtException("closing the model failed: " + e, e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path path) {
        return ModelFiles.sha256(path);
    }
}
