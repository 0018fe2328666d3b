/**
 * Conditional denoisers and classifier-free guidance: conditioning sets (named arrays of M rows, read from NumPy
 * {@code .npz}/{@code .npy} files or a small JSON form), the {@code ConditionalDenoiser} contract, and the two
 * {@code Denoiser} wrappers a host loop uses: {@code ConditionedDenoiser} (fixed rows per batch element) and
 * {@code GuidedDenoiser} (classifier-free guidance as one call of batch 2B).
 */
package dev.artsched.sampling.conditional;
