package dev.artsched.training.nn;

/** Makes one optimiser per network (actor, critic); bound in Guice so the optimiser can be swapped alone. */
@FunctionalInterface
public interface OptimiserFactory {

    /** A fresh optimiser for the network called {@code label}. */
    Optimiser create(String label);

    /** Adam with the paper's settings: lr 1e-4, betas (0.9, 0.999), eps 1e-8, no weight decay. */
    static OptimiserFactory paperAdam() {
        return adam(1e-4, 0.9, 0.999);
    }

    /** Adam with the given learning rate and betas (eps 1e-8). */
    static OptimiserFactory adam(double lr, double beta1, double beta2) {
        return label -> new Adam(label, lr, beta1, beta2, 1e-8);
    }
}
