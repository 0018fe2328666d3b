package dev.artsched.scheduler.adaptive;

import java.util.Map;

/**
 * A factory of adaptive policies registered in {@code META-INF/services} and {@code module-info}
 * ({@code provides ... with}); {@link AdaptiveSchedulers} looks providers up by {@link #name()}. {@link #create}
 * receives the {@code key=value} options of a spec such as {@code onnx:path=policy.onnx} and must reject unknown
 * keys.
 */
public interface AdaptivePolicyProvider {

    /** The unique policy name, e.g. {@code onnx}. */
    String name();

    /** Creates a policy; throws {@link dev.artsched.scheduler.ArtException} for bad options. */
    AdaptivePolicy create(Map<String, String> options);
}
