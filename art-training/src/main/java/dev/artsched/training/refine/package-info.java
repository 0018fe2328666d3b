/**
 * Direct refinement of a grid against the actual solver's global error at the actual step count, with exact
 * forward-mode gradients through the model's JVP and held-out early stopping.
 */
package dev.artsched.training.refine;
