/**
 * Timestep schedules and the schedulers that produce them: the immutable Schedule grid, the closed-form Uniform,
 * EDM and exponential schedulers, learned ART grids read from {@code art-schedule/1} schedule files, resampling to
 * other step counts, and the ServiceLoader registry TimestepSchedulers that builds a scheduler from a spec such as
 * {@code edm:rho=7}. ArtException, the one unchecked exception of the library, lives here too.
 */
package dev.artsched.scheduler;
