/**
 * The training services: ScheduleTraining (a typed request in, an {@code art-schedule/1} file out, for every grid
 * learner) and PaperBenchmark (the ART paper's 1-D table), with DenoiserSource, the one loader of ONNX and
 * analytic models, and the Guice modules (TrainingModules) that assemble a learner from replaceable parts.
 */
package dev.artsched.training;
