package dev.artsched.sampling.adapters;

import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.ConditionalDenoiser;
import dev.artsched.sampling.conditional.Conditioning;
import dev.artsched.scheduler.ArtException;

import java.util.List;
import java.util.OptionalDouble;

/**
 * A conditional raw network (epsilon, v or flow velocity) as a conditional EDM denoiser D(x; sigma, c), with the
 * same input scaling, timestep map and combination as {@link EpsilonPredictionDenoiser},
 * {@link VPredictionDenoiser} and {@link FlowMatchingDenoiser}. Thread-safe if the network is.
 */
public final class ConditionalAdapter implements ConditionalDenoiser {
    private final ConditionalTimestepModel model;
    private final AdaptedDenoiser adapter;

    private ConditionalAdapter(ConditionalTimestepModel model, AdaptedDenoiser adapter) {
        this.model = model;
        this.adapter = adapter;
    }

    /** An epsilon-prediction network over a discrete VP table (Stable Diffusion 1.x/2.x base). */
    public static ConditionalAdapter epsilon(ConditionalTimestepModel model, DiscreteVpSchedule table,
                                             boolean integerTimesteps) {
        return new ConditionalAdapter(model, new EpsilonPredictionDenoiser(unbound(model), table, integerTimesteps));
    }

    /** A v-prediction network over a discrete VP table (Stable Diffusion 2.x 768-v). */
    public static ConditionalAdapter vPrediction(ConditionalTimestepModel model, DiscreteVpSchedule table,
                                                 boolean integerTimesteps) {
        return new ConditionalAdapter(model, new VPredictionDenoiser(unbound(model), table, integerTimesteps));
    }

    /** A flow-matching velocity network (timestep t * {@code timestepScale}), reporting [sigmaMin, sigmaMax]. */
    public static ConditionalAdapter flow(ConditionalTimestepModel model, double timestepScale, double sigmaMin,
                                          double sigmaMax) {
        return new ConditionalAdapter(model, new FlowMatchingDenoiser(unbound(model), timestepScale, sigmaMin,
                sigmaMax));
    }

    /** The network without its conditioning: only its size is read; a call is a programming error. */
    private static TimestepModel unbound(ConditionalTimestepModel model) {
        if (model == null) {
            throw new ArtException("model must not be null");
        }
        return new TimestepModel() {
            @Override
            public int sampleSize() {
                return model.sampleSize();
            }

            @Override
            public void predict(float[] x, float[] timestep, int batch, float[] out) {
                throw new IllegalStateException("a conditional network needs its conditioning rows");
            }
        };
    }

    @Override
    public int sampleSize() {
        return model.sampleSize();
    }

    @Override
    public long[] sampleShape() {
        return model.sampleShape();
    }

    @Override
    public List<CondSpec> conditioningInputs() {
        return model.conditioningInputs();
    }

    @Override
    public String label() {
        return model.label();
    }

    @Override
    public void denoise(float[] x, float[] sigma, Conditioning table, int[] rows, int batch, float[] out) {
        adapter.run(x, sigma, batch, out, (xi, t, b, o) -> model.predict(xi, t, table, rows, b, o));
    }

    @Override
    public OptionalDouble sigmaMin() {
        return adapter.sigmaMin();
    }

    @Override
    public OptionalDouble sigmaMax() {
        return adapter.sigmaMax();
    }

    @Override
    public OptionalDouble sigmaData() {
        return adapter.sigmaData();
    }
}
