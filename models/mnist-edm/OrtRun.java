import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs an ONNX graph once with ONNX Runtime (Java), for the Python sanity checks of this folder (Debian ships
 * no Python onnxruntime). Usage, as a single-file program:
 * {@code java -cp onnxruntime-1.29.0.jar OrtRun.java MODEL.onnx OUT_DIR NAME:D0,D1,...:FILE.f32 ...};
 * every input is raw little-endian float32, or int64 when its file name ends in {@code .i64}; every output is written to {@code OUT_DIR/<output name>.f32}
 * and its shape printed as {@code name d0,d1,...}.
 */
public final class OrtRun {

    private OrtRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            throw new IllegalArgumentException("expected MODEL OUT_DIR NAME:SHAPE:FILE..., found " + args.length
                    + " arguments");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession session = env.createSession(args[0], options)) {
            for (int i = 2; i < args.length; i++) {
                String[] parts = args[i].split(":", 3);
                String[] dims = parts[1].split(",");
                long[] shape = new long[dims.length];
                for (int d = 0; d < dims.length; d++) {
                    shape[d] = Long.parseLong(dims[d]);
                }
                Path file = Path.of(parts[2]);
                inputs.put(parts[0], file.toString().endsWith(".i64")
                        ? OnnxTensor.createTensor(env, readLongs(file), shape)
                        : OnnxTensor.createTensor(env, read(file), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> entry : result) {
                    OnnxTensor tensor = (OnnxTensor) entry.getValue();
                    FloatBuffer data = tensor.getFloatBuffer();
                    ByteBuffer bytes = ByteBuffer.allocate(data.remaining() * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(data);
                    Files.write(Path.of(args[1], entry.getKey() + ".f32"), bytes.array());
                    long[] shape = tensor.getInfo().getShape();
                    StringBuilder s = new StringBuilder(entry.getKey()).append(' ');
                    for (int d = 0; d < shape.length; d++) {
                        s.append(d == 0 ? "" : ",").append(shape[d]);
                    }
                    System.out.println(s);
                }
            }
        } finally {
            for (OnnxTensor t : inputs.values()) {
                t.close();
            }
        }
    }

    private static LongBuffer readLongs(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        LongBuffer out = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder()).asLongBuffer();
        out.put(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer());
        return out.rewind();
    }

    private static FloatBuffer read(Path file) throws IOException {
        byte[] raw = Files.readAllBytes(file);
        FloatBuffer out = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        out.put(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        return out.rewind();
    }
}
