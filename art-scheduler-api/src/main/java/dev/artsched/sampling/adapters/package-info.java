/**
 * Adapters that present raw networks in their own parameterisation (epsilon or v prediction on a discrete
 * variance-preserving table, flow-matching velocity) as EDM denoisers, so every scheduler and sampler works with
 * them unchanged.
 */
package dev.artsched.sampling.adapters;
