/**
 * GITS: the grid chosen by dynamic programming over a fine teacher grid, with the cost of each jump measured with
 * the target solver against teacher states.
 */
package dev.artsched.training.gits;
