/**
 * The neural-network layer of ART-RL on DJL's PyTorch engine: float64 multilayer perceptrons for the actor and
 * critic, the Adam optimiser with exportable state, and the offline loading of the engine.
 */
package dev.artsched.training.nn;
