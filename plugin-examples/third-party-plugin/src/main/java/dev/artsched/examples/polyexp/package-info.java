/**
 * An example third-party scheduler plugin: k-diffusion's polyexponential grid, registered through the scheduler
 * SPI as its own module.
 */
package dev.artsched.examples.polyexp;
