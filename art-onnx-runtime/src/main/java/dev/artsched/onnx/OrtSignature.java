package dev.artsched.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.artsched.scheduler.ArtException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float32 signature of a denoiser or JVP graph (states [B, ...] and per-sample scalars [B]), checked against
 * a session: names, element types, ranks, fixed sample dimensions and agreement with the first state input. Every
 * problem is listed in one message with the expected and the found signature. Also the shared formatting of
 * types and shapes used by the other views' checks.
 */
final class OrtSignature {
    private OrtSignature() {
    }

    /** Role of a tensor in the signature: a state [B, sample...] or a per-sample scalar [B]. */
    enum Role {
        STATE, SCALAR
    }

    /** A named tensor of the expected signature. */
    record Port(String name, Role role) {
        String describe() {
            return name + " float32 " + (role == Role.STATE ? "[B, ...]" : "[B]");
        }
    }

    /**
     * Checks the session against the expected ports and lays them out for I/O: states get the sample shape of the
     * first state input, scalars none; the fixed batch is that input's batch dimension (0 if dynamic).
     */
    static OrtLayout check(String label, OrtSession session, List<Port> inputs, List<Port> outputs)
            throws OrtException {
        return check(label, session, inputs, outputs, false);
    }

    /**
     * As {@link #check(String, OrtSession, List, List)}; with {@code conditional} every input beyond the ports is a
     * conditioning input (float32, float16, int64 or int32; a leading batch dimension, or rank 0 / a leading 1
     * for an input shared by the batch) instead of an error.
     */
    static OrtLayout check(String label, OrtSession session, List<Port> inputs, List<Port> outputs,
                           boolean conditional) throws OrtException {
        long[] xShape = validate(label, session.getInputInfo(), session.getOutputInfo(), inputs, outputs,
                conditional);
        long[] sampleShape = Arrays.copyOfRange(xShape, 1, xShape.length);
        long size = 1;
        for (long d : sampleShape) {
            size *= d;
        }
        if (size > Integer.MAX_VALUE / 2) {
            throw new ArtException("ONNX model " + label + ": expected a sample size below 2^30 floats, found "
                    + size);
        }
        List<OrtLayout.CondPort> cond = new ArrayList<>();
        if (conditional) {
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
                if (inputs.stream().noneMatch(p -> p.name().equals(e.getKey()))) {
                    OrtLayout.CondPort c = condPort(e.getKey(), e.getValue(), xShape[0], problems);
                    if (c != null) {
                        cond.add(c);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new ArtException("ONNX model " + label + ": " + String.join("; ", problems));
            }
        }
        return new OrtLayout(specs(inputs, sampleShape), specs(outputs, sampleShape),
                xShape[0] > 0 ? (int) xShape[0] : 0, cond);
    }

    static OrtLayout.CondPort condPort(String name, NodeInfo node, long xBatch, List<String> problems) {
        if (!(node.getInfo() instanceof TensorInfo t)) {
            problems.add("conditioning input '" + name + "' is not a tensor");
            return null;
        }
        dev.artsched.sampling.conditional.CondType type = switch (t.type) {
            case FLOAT -> dev.artsched.sampling.conditional.CondType.FLOAT32;
            case FLOAT16 -> dev.artsched.sampling.conditional.CondType.FLOAT16;
            case INT64 -> dev.artsched.sampling.conditional.CondType.INT64;
            case INT32 -> dev.artsched.sampling.conditional.CondType.INT32;
            default -> null;
        };
        if (type == null) {
            problems.add("conditioning input '" + name + "' has type " + typeName(t)
                    + ", expected float32, float16, int64 or int32");
            return null;
        }
        long[] shape = t.getShape();
        if (shape.length == 0) {
            return new OrtLayout.CondPort(new dev.artsched.sampling.conditional.CondSpec(name, type, new long[0],
                    false), false);
        }
        long[] row = Arrays.copyOfRange(shape, 1, shape.length);
        boolean shared = shape[0] == 1 && xBatch != 1;
        if (!shared && shape[0] > 0 && shape[0] != xBatch) {
            problems.add("conditioning input '" + name + "' has batch dimension " + dim(shape[0]) + ", expected "
                    + dim(xBatch) + " like the state input (or 1, shared by the batch)");
            return null;
        }
        return new OrtLayout.CondPort(new dev.artsched.sampling.conditional.CondSpec(name, type, row, !shared),
                shared);
    }

    private static List<IoSlots.Spec> specs(List<Port> ports, long[] sampleShape) {
        List<IoSlots.Spec> specs = new ArrayList<>();
        for (Port p : ports) {
            boolean state = p.role() == Role.STATE;
            specs.add(new IoSlots.Spec(p.name(), OnnxJavaType.FLOAT, state ? sampleShape : new long[0],
                    state ? 0f : 1f));
        }
        return specs;
    }

    /** Checks names, element types and ranks of every port; returns the shape of the first STATE input. */
    private static long[] validate(String label, Map<String, NodeInfo> in, Map<String, NodeInfo> out,
                                   List<Port> inputs, List<Port> outputs, boolean conditional) {
        List<String> problems = new ArrayList<>();
        long[] stateShape = null;
        for (Port p : inputs) {
            long[] shape = check(p, in.get(p.name()), "input", problems);
            if (shape != null && p.role() == Role.STATE && stateShape == null) {
                stateShape = shape;
            }
        }
        for (String name : in.keySet()) {
            if (!conditional && inputs.stream().noneMatch(p -> p.name().equals(name))) {
                problems.add("unexpected input '" + name + "' (no value would be fed to it)");
            }
        }
        if (stateShape != null) {
            for (Port p : inputs) {
                crossCheck(p, in.get(p.name()), stateShape, "input", problems);
            }
        }
        for (Port p : outputs) {
            long[] shape = check(p, out.get(p.name()), "output", problems);
            if (shape != null && stateShape != null) {
                crossCheck(p, out.get(p.name()), stateShape, "output", problems);
            }
        }
        if (!problems.isEmpty() || stateShape == null) {
            StringBuilder sb = new StringBuilder("ONNX model ").append(label).append(" has the wrong signature: ")
                    .append(String.join("; ", problems)).append(". Expected inputs ");
            sb.append(String.join(", ", inputs.stream().map(Port::describe).toList()));
            sb.append(" and outputs ");
            sb.append(String.join(", ", outputs.stream().map(p -> p.name() + " float32 (shape of "
                    + inputs.get(0).name() + ")").toList()));
            sb.append("; found inputs ").append(describe(in)).append(" and outputs ").append(describe(out));
            sb.append(" (tensor names can be overridden with OnnxOptions.builder().optNames(...))");
            throw new ArtException(sb.toString());
        }
        return stateShape;
    }

    private static long[] check(Port p, NodeInfo node, String kind, List<String> problems) {
        if (node == null) {
            problems.add("missing " + kind + " '" + p.name() + "'");
            return null;
        }
        ValueInfo info = node.getInfo();
        if (!(info instanceof TensorInfo t)) {
            problems.add(kind + " '" + p.name() + "' is not a tensor");
            return null;
        }
        long[] shape = t.getShape();
        boolean ok = true;
        if (t.type != OnnxJavaType.FLOAT) {
            problems.add(kind + " '" + p.name() + "' has type " + typeName(t) + ", expected float32");
            ok = false;
        }
        if (p.role() == Role.SCALAR && shape.length != 1) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected [B]");
            ok = false;
        }
        if (p.role() == Role.STATE && shape.length < 2) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected [B, ...] (rank >= 2)");
            ok = false;
        }
        if (p.role() == Role.STATE && kind.equals("input")) {
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] <= 0) {
                    problems.add("input '" + p.name() + "' has shape " + dims(shape)
                            + ", expected fixed sample dimensions after the batch dimension");
                    ok = false;
                    break;
                }
            }
        }
        return ok ? shape : null;
    }

    private static void crossCheck(Port p, NodeInfo node, long[] state, String kind, List<String> problems) {
        if (node == null || !(node.getInfo() instanceof TensorInfo t)) {
            return;
        }
        long[] shape = t.getShape();
        if (shape.length == 0) {
            return;
        }
        boolean bothDynamic = shape[0] <= 0 && state[0] <= 0;
        if (!bothDynamic && shape[0] != state[0]) {
            problems.add(kind + " '" + p.name() + "' has batch dimension " + dim(shape[0]) + ", expected "
                    + dim(state[0]) + " like the state input");
            return;
        }
        if (p.role() != Role.STATE) {
            return;
        }
        boolean same = shape.length == state.length;
        for (int i = 1; same && i < shape.length; i++) {
            same = shape[i] <= 0 || shape[i] == state[i];
        }
        if (!same) {
            problems.add(kind + " '" + p.name() + "' has shape " + dims(shape) + ", expected the shape of x "
                    + dims(state));
        }
    }

    /** The ONNX element type as written in messages ({@code float32}, {@code int64}, ...). */
    static String typeName(TensorInfo t) {
        return switch (t.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> "float64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> "bfloat16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> "int32";
            default -> t.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase();
        };
    }

    private static String dim(long d) {
        return d > 0 ? Long.toString(d) : "dynamic";
    }

    /** A shape with dynamic dimensions written {@code ?}, e.g. {@code [?, 3]}. */
    static String dims(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i] > 0 ? Long.toString(shape[i]) : "?");
        }
        return sb.append(']').toString();
    }

    private static String describe(Map<String, NodeInfo> nodes) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
            ValueInfo info = e.getValue().getInfo();
            parts.put(e.getKey(), info instanceof TensorInfo t ? typeName(t) + " " + dims(t.getShape())
                    : info.toString());
        }
        List<String> list = new ArrayList<>();
        parts.forEach((k, v) -> list.add(k + " " + v));
        return list.isEmpty() ? "(none)" : String.join(", ", list);
    }
}
