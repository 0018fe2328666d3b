/**
 * The training-free ART closed form: the optimal grid over fixed grids, with grid points at equal quantiles of the
 * cumulative square root of the mean |Q| measured on reference rollouts.
 */
package dev.artsched.training.closedform;
