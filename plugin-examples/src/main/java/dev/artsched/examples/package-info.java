/**
 * Example host applications that take their timestep grid from art-scheduler through the SPI: a host with its own
 * Heun loop over plain ONNX Runtime, a Guice-injected host, and a DJL host running TorchScript.
 */
package dev.artsched.examples;
