package dev.artsched.training.nn;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the actor and critic networks: {@code layers} Linear layers of hidden width {@code width} with Softplus
 * (docs/MATH.md: "3-layer MLPs, width 128"), float64 on DJL's PyTorch engine.
 *
 * @param width  hidden width >= 1
 * @param layers number of Linear layers >= 2
 */
public record NetworkFactory(int width, int layers) {

    /** The paper's networks: three Linear layers, two hidden of width 128. */
    public static final NetworkFactory PAPER = new NetworkFactory(128, 3);

    /** Validates. */
    public NetworkFactory {
        if (width < 1 || layers < 2) {
            throw new ArtException("networks need width >= 1 and >= 2 layers, found width = " + width
                    + ", layers = " + layers);
        }
    }

    /** A new network with {@code inputs} features, weights drawn from {@code rng}. */
    public Mlp create(int inputs, Rng rng) {
        return new Mlp(inputs, width, layers, rng);
    }

    /** Shape for provenance. */
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("layers", layers);
        d.put("width", width);
        d.put("activation", "softplus");
        d.put("dtype", "float64");
        d.put("engine", "djl-pytorch");
        return d;
    }
}
