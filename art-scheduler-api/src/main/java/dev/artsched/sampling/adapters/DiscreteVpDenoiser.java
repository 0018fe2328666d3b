package dev.artsched.sampling.adapters;

import java.util.OptionalDouble;

/**
 * Shared part of the discrete variance-preserving adapters: input scale c_in = 1 / sqrt(sigma^2 + 1), the
 * fractional timestep of sigma in the model's alphas_cumprod table (rounded with {@code integerTimesteps}), and the
 * table's sigma range as the model's range.
 */
abstract class DiscreteVpDenoiser extends AdaptedDenoiser {
    private final DiscreteVpSchedule table;
    private final boolean integerTimesteps;

    DiscreteVpDenoiser(TimestepModel model, DiscreteVpSchedule table, boolean integerTimesteps) {
        super(model);
        this.table = table;
        this.integerTimesteps = integerTimesteps;
    }

    @Override
    final double cIn(double sigma) {
        return 1.0 / Math.sqrt(sigma * sigma + 1);
    }

    @Override
    final double timestep(double sigma) {
        double t = table.sigmaToT(sigma);
        return integerTimesteps ? Math.rint(t) : t;
    }

    @Override
    public OptionalDouble sigmaMin() {
        return OptionalDouble.of(table.sigmaMin());
    }

    @Override
    public OptionalDouble sigmaMax() {
        return OptionalDouble.of(table.sigmaMax());
    }

    @Override
    public OptionalDouble sigmaData() {
        return OptionalDouble.of(1.0);
    }
}
