package dev.artsched.training.run;

/**
 * What one ART-RL iteration did, for progress bars and the JSON-lines metrics file.
 *
 * @param iteration    iterations completed (1-based)
 * @param iterations   total planned
 * @param gamma        the multiplier after the update
 * @param budgetError  mean over the batch of sum_k theta_k dt - T (the terminal-time error)
 * @param meanBudget   mean over the batch of sum_k m_k dt (the actor means' budget)
 * @param meanTd       mean TD error over the batch and clock steps
 * @param criticLoss   the critic pseudo-loss
 * @param actorLoss    the actor pseudo-loss
 * @param calls        model calls so far
 * @param elapsedSeconds training wall time so far
 */
public record IterationStats(int iteration, int iterations, double gamma, double budgetError, double meanBudget,
                             double meanTd, double criticLoss, double actorLoss, long calls,
                             double elapsedSeconds) {
}
