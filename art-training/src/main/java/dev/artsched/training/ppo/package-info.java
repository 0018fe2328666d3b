/**
 * The self-supervised PPO scheduler: a policy that picks each next noise level from the current sample, trained
 * with PPO on the Pearson reward of the final sample against real-data features, then distilled into a fixed grid
 * and exported as an ONNX policy graph for the adaptive scheduler.
 */
package dev.artsched.training.ppo;
