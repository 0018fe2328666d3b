/**
 * The problem ART optimises a grid for: the flow of a model (velocity F and acceleration Q, exact or through a JVP
 * denoiser), the initial-state distribution, the norm of Q, reference rollouts on a fine grid, the feature maps of
 * the actor and critic inputs, the analytic models and a checkpointable random generator.
 */
package dev.artsched.training.problem;
