package dev.artsched.training;

import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.JvpDenoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
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
    /** Opens the JVP graph of a conditioned model with the same conditioning (null: not conditioned). */
    private java.util.function.Function<Path, JvpDenoiser> conditionedJvp;

    DenoiserSource(String spec, Denoiser denoiser, Path file, String analyticName) {
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
        return DenoiserAssembly.open(spec, options);
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
        Path path = onnxPath(spec);
        OnnxDenoiser onnx = OnnxDenoiser.load(path);
        DenoiserSource s = new DenoiserSource(spec, onnx, path, null);
        s.resources.push(onnx);
        s.putModelProvenance(onnx.metadata(), path);
        return s;
    }

    /** Records the model id (metadata {@code art.model_id}, else the file's folder and name), file and sha256. */
    void putModelProvenance(Map<String, String> metadata, Path path) {
        provenance.put("model", metadata.getOrDefault("art.model_id", fileLabel(path)));
        provenance.put("model_file", path.toString());
        provenance.put("model_sha256", sha256(path));
    }

    /** The path of an ONNX model spec, checked to be a readable regular file. */
    static Path onnxPath(String spec) {
        Path path;
        try {
            path = Path.of(spec.trim());
        } catch (java.nio.file.InvalidPathException e) {
            throw new ArtException("the denoiser path '" + ArtException.quote(spec) + "' cannot be used: expected "
                    + "characters the file-name encoding can represent (use a UTF-8 locale)", e);
        }
        if (!Files.isRegularFile(path)) {
            String why = Files.isDirectory(path) ? "a directory" : Files.exists(path) ? "not a regular file"
                    : "no such file";
            throw new ArtException("the denoiser must be an ONNX file or analytic:NAME (one of "
                    + AnalyticModels.names() + "), found '" + ArtException.quote(spec) + "' (" + why + ")");
        }
        if (!Files.isReadable(path)) {
            throw new ArtException("the denoiser " + path + " is not readable: expected a readable ONNX file, found "
                    + "one without read permission");
        }
        return path;
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
        return conditionedJvp != null;
    }

    void conditionedJvp(java.util.function.Function<Path, JvpDenoiser> opener) {
        this.conditionedJvp = opener;
    }

    /**
     * The model with its exported JVP graph {@code jvpGraph} (an ONNX model), conditioned and guided like
     * {@link #denoiser()}; owned by this source.
     */
    public JvpDenoiser withJvpGraph(Path jvpGraph) {
        if (conditionedJvp != null) {
            return conditionedJvp.apply(jvpGraph);
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
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ArtException("cannot read " + path + " to hash it: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new ArtException("SHA-256 is not available in this JVM", e);
        }
    }

    private static String fileLabel(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        return parent == null ? path.getFileName().toString()
                : parent.getFileName() + "/" + path.getFileName();
    }
}
