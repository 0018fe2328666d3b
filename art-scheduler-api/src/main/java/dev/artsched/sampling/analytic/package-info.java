/**
 * Exact denoisers, with exact Jacobian-vector products, of Gaussian and Gaussian-mixture data: the analytic models
 * behind the 1-D benchmark of the ART paper and the 2-D mixture test model.
 */
package dev.artsched.sampling.analytic;
