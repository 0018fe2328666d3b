/**
 * The self-supervised reward of the adaptive-scheduler learner: the maximum Pearson correlation of a final
 * sample's features with a bank of real-data features ({@link dev.artsched.eval.reward.PearsonReward},
 * {@link dev.artsched.eval.reward.FeatureBank}), and the batched sampling environment whose agents are the batch
 * elements ({@link dev.artsched.eval.reward.SamplingEnv}).
 */
package dev.artsched.eval.reward;
