package dev.artsched.sampling.adapters;

import dev.artsched.sampling.conditional.CondSpec;
import dev.artsched.sampling.conditional.Conditioning;

import java.util.List;

/**
 * A raw network with conditioning inputs (a Stable Diffusion UNet: sample, timestep, encoder_hidden_states), in
 * its own parameterisation; sample b uses row {@code rows[b]} of a table bound to {@link #conditioningInputs()}.
 */
public interface ConditionalTimestepModel {

    /** Float elements per sample. */
    int sampleSize();

    /** Shape of one sample without the batch dimension. */
    default long[] sampleShape() {
        return new long[] {sampleSize()};
    }

    /** The conditioning inputs the network declares. */
    List<CondSpec> conditioningInputs();

    /** Names the network in messages. */
    String label();

    /**
     * Evaluates the network.
     *
     * @param x        {@code batch * sampleSize()} model-space inputs
     * @param timestep {@code batch} timesteps in the model's own convention
     * @param table    a conditioning table bound to this model
     * @param rows     {@code batch} row indices
     * @param batch    number of samples
     * @param out      receives {@code batch * sampleSize()} predictions
     */
    void predict(float[] x, float[] timestep, Conditioning table, int[] rows, int batch, float[] out);
}
