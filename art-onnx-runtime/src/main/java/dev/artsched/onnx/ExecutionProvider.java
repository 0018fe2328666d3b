package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;

import java.util.Locale;

/**
 * Where ONNX Runtime runs a graph: {@code cpu}, {@code cuda[:device]} or {@code auto} (CUDA when it starts,
 * else CPU). As a requested option any of the three; as reported by {@link OnnxDenoiser#executionProvider()}
 * only {@code cpu} or {@code cuda:N}, i.e. what actually runs.
 *
 * @param kind   the provider kind
 * @param device CUDA device ordinal (0 for {@code cpu} and {@code auto} without a device)
 */
public record ExecutionProvider(Kind kind, int device) {

    /** Provider kinds. */
    public enum Kind {
        /** ONNX Runtime's default CPU provider. */
        CPU,
        /** NVIDIA CUDA (needs the {@code onnxruntime_gpu} jar, {@code -Pcuda}); falls back to CPU with a log. */
        CUDA,
        /** CUDA if it starts, else CPU, logged at INFO instead of WARN. */
        AUTO
    }

    /** The CPU provider. */
    public static final ExecutionProvider CPU = new ExecutionProvider(Kind.CPU, 0);

    /** Validates the device ordinal. */
    public ExecutionProvider {
        if (kind == null) {
            throw new ArtException("execution provider kind must not be null");
        }
        if (device < 0) {
            throw new ArtException("CUDA device must be >= 0, found " + device);
        }
        if (kind == Kind.CPU && device != 0) {
            throw new ArtException("the cpu execution provider takes no device, found device " + device);
        }
    }

    /** CUDA on the given device. */
    public static ExecutionProvider cuda(int device) {
        return new ExecutionProvider(Kind.CUDA, device);
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N}, {@code auto} or {@code auto:N} (case-insensitive).
     *
     * @throws ArtException naming the expected forms and what was found
     */
    public static ExecutionProvider parse(String spec) {
        if (spec == null) {
            throw new ArtException("execution provider: expected cpu | cuda[:device] | auto, found null");
        }
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String head = colon < 0 ? s : s.substring(0, colon);
        Kind kind;
        switch (head) {
            case "cpu" -> kind = Kind.CPU;
            case "cuda", "gpu" -> kind = Kind.CUDA;
            case "auto" -> kind = Kind.AUTO;
            default -> throw new ArtException("execution provider: expected cpu | cuda[:device] | auto, found '"
                    + spec + "'");
        }
        int device = 0;
        if (colon >= 0) {
            try {
                device = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ArtException("execution provider '" + spec + "': expected a device number after ':', found '"
                        + s.substring(colon + 1) + "'");
            }
        }
        return new ExecutionProvider(kind, device);
    }

    /** {@code cpu}, {@code cuda:N} or {@code auto[:N]}; {@link #parse(String)} reads it back. */
    @Override
    public String toString() {
        return switch (kind) {
            case CPU -> "cpu";
            case CUDA -> "cuda:" + device;
            case AUTO -> device == 0 ? "auto" : "auto:" + device;
        };
    }
}
