/**
 * JMH benchmarks and paired A/B comparisons of the ONNX denoiser: per-call overhead, JVP cost against a forward
 * call, whole sampling runs against a hand-written loop, and concurrent sampling on one shared denoiser.
 */
package dev.artsched.benchmarks;
