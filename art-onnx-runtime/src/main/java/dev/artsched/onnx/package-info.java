/**
 * Denoisers and JVP graphs backed by ONNX Runtime: opening and validating a graph (OrtModel, OnnxOptions, the
 * execution provider choice), the ONNX denoiser and JVP denoiser, raw timestep models for the parameterisation
 * adapters, and a finite-difference JVP for models exported without a JVP graph.
 */
package dev.artsched.onnx;
