package dev.artsched.training;

import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Model files as the loaders see them: the checked path of an ONNX spec, its sha256 and its provenance. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** The path of an ONNX model spec, checked to be a readable regular file. */
    static Path onnxPath(String spec, String analyticNames) {
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
                    + analyticNames + "), found '" + ArtException.quote(spec) + "' (" + why + ")");
        }
        if (!Files.isReadable(path)) {
            throw new ArtException("the denoiser " + path + " is not readable: expected a readable ONNX file, found "
                    + "one without read permission");
        }
        return path;
    }

    /** The model id (metadata {@code art.model_id}, else the file's folder and name), file and sha256. */
    static Map<String, Object> provenance(Map<String, String> metadata, Path path) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", metadata.getOrDefault("art.model_id", fileLabel(path)));
        m.put("model_file", path.toString());
        m.put("model_sha256", sha256(path));
        return m;
    }

    /** Hex SHA-256 of a file. */
    static String sha256(Path path) {
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
