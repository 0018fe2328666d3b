/**
 * The batched EDM denoiser contract (Denoiser, and JvpDenoiser with a Jacobian-vector product) and the
 * deterministic reference samplers (Euler, Heun) that integrate the probability-flow ODE along a Schedule.
 */
package dev.artsched.sampling;
