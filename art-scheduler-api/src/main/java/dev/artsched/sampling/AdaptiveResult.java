package dev.artsched.sampling;

/**
 * The output of one adaptive sampling run.
 *
 * @param samples {@code batch * sampleSize} final states at sigma = 0
 * @param batch   number of samples
 * @param nfe     denoiser evaluations spent by each sample
 * @param steps   steps taken by each sample
 */
public record AdaptiveResult(float[] samples, int batch, int[] nfe, int[] steps) {

    /** Mean evaluations per sample. */
    public double meanNfe() {
        return java.util.Arrays.stream(nfe).average().orElse(0);
    }

    /** The most evaluations any sample spent. */
    public int maxNfe() {
        return java.util.Arrays.stream(nfe).max().orElse(0);
    }
}
