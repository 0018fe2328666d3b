/**
 * The comparison service: every grid method trained on one model for one solver and several step counts, all of
 * them and the baselines evaluated on the same held-out noises, the winner per step count written as a schedule
 * file.
 */
package dev.artsched.training.compare;
