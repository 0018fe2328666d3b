/**
 * Assembly of the trainer: DenoiserSource, the one loader of ONNX and analytic models used by the trainer and
 * every command, and the Guice modules (TrainingModules) that wire an ArtRlTrainer from replaceable parts.
 */
package dev.artsched.training;
