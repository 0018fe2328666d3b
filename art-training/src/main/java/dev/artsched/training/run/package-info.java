/**
 * Hosting of an ART-RL run: where checkpoints and JSON-lines metrics go, exact checkpoints for resuming,
 * per-iteration statistics, and the listeners that observe a run (progress displays among them).
 */
package dev.artsched.training.run;
