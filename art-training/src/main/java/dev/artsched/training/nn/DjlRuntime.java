package dev.artsched.training.nn;

import ai.djl.engine.Engine;
import dev.artsched.scheduler.ArtException;

/**
 * Loads DJL's PyTorch engine once, offline: sets {@code ai.djl.offline=true} (so the native library comes from
 * the {@code pytorch-native-cpu} jar, never the network) and one intra-op and inter-op thread unless the caller
 * chose otherwise, which makes float64 training bit-reproducible on CPU. Load failures become one
 * {@link ArtException}.
 */
public final class DjlRuntime {
    /** The engine name. */
    public static final String ENGINE = "PyTorch";
    private static volatile Engine engine;

    private DjlRuntime() {
    }

    /** The PyTorch engine, loading it on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlRuntime.class) {
                e = engine;
                if (e == null) {
                    System.setProperty("ai.djl.offline", "true");
                    setIfAbsent("ai.djl.pytorch.num_threads", "1");
                    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
                    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
                    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
                    try {
                        e = Engine.getEngine(ENGINE);
                    } catch (RuntimeException | LinkageError ex) {
                        throw new ArtException("could not load DJL's PyTorch engine offline from the "
                                + "pytorch-native-cpu jar (expected ai.djl.pytorch:pytorch-native-cpu:2.7.1 on the "
                                + "class path), found: " + ex, ex);
                    }
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Version string of the loaded engine, for provenance. */
    public static String version() {
        return engine().getEngineName() + " " + engine().getVersion();
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
