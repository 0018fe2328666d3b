/**
 * ART-RL: the actor-critic trainer for the exploratory ART problem with its configuration, the rollouts of one
 * iteration, the actor-critic update, the closed-form speed prior, and the distillation of the trained policy into
 * one fixed grid.
 */
package dev.artsched.training.rl;
