/**
 * Per-sample adaptive scheduling: an {@link dev.artsched.scheduler.adaptive.AdaptivePolicy} proposes each next
 * noise level from the current sample, an {@link dev.artsched.scheduler.adaptive.AdaptiveScheduler} enforces the
 * contract (strictly decreasing, ends at sigma = 0, never over the NFE budget), and
 * {@link dev.artsched.scheduler.adaptive.AdaptiveSchedulers} finds policies by name through ServiceLoader.
 */
package dev.artsched.scheduler.adaptive;
