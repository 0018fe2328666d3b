/**
 * Evaluation of schedules on a denoiser: the Evaluation service (a typed request in, an EvalReport out), the
 * ref-rmse metric against fine-grid reference solutions from shared seeded noise, FID over a feature extractor and
 * mergeable reference feature statistics, the exact W2 of the 1-D benchmark, seeded sampling of images, and the
 * reports, plots and PNG image grids that present the results.
 */
package dev.artsched.eval;
