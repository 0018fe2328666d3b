/**
 * Evaluation of schedules on a denoiser: the ref-rmse metric against fine-grid reference solutions from shared
 * seeded noise, FID over a feature extractor and reference feature statistics, the exact W2 of the 1-D benchmark,
 * and the reports, plots and PNG image grids that present the results.
 */
package dev.artsched.eval;
