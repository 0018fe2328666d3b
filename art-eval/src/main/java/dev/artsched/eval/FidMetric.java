package dev.artsched.eval;

import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;

/**
 * The {@code fid} metric: samples a schedule from the shared seeded noise, maps the samples through a
 * {@link FeatureExtractor} and returns the {@link Fid Frechet distance} between their Gaussian fit and
 * reference statistics. The reference statistics are either given (e.g. of the training data, loaded with
 * {@link FeatureStatsFile}) or computed once from the fine-grid reference solutions.
 */
public final class FidMetric implements EvalMetric {
    /** The metric id used on the command line and in reports. */
    public static final String ID = "fid";
    private final ReferenceSolutions references;
    private final Solver solver;
    private final FeatureExtractor features;
    private GaussianStats referenceStats;

    /**
     * @param references     shared noise and reference solutions
     * @param solver         solver the schedules run with
     * @param features       feature extractor (not closed here)
     * @param referenceStats reference statistics, or null to use those of the fine-grid reference solutions
     */
    public FidMetric(ReferenceSolutions references, Solver solver, FeatureExtractor features,
                     GaussianStats referenceStats) {
        if (references == null || solver == null || features == null) {
            throw new ArtException("fid needs reference solutions, a solver and a feature extractor, found null");
        }
        int size = references.denoiser().sampleSize();
        if (features.sampleSize() != -1 && features.sampleSize() != size) {
            throw new ArtException("the feature extractor expects samples of " + features.sampleSize()
                    + " floats, found the denoiser's " + size);
        }
        if (referenceStats != null && referenceStats.dim() != features.featureSize()) {
            throw new ArtException("reference statistics must have the extractor's feature dimension "
                    + features.featureSize() + ", found " + referenceStats.dim());
        }
        this.references = references;
        this.solver = solver;
        this.features = features;
        this.referenceStats = referenceStats;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Solver solver() {
        return solver;
    }

    @Override
    public long work(Schedule schedule) {
        return (long) references.batches() * schedule.steps();
    }

    @Override
    public long referenceWork(double sigmaMax) {
        if (referenceStats == null && !references.hasReference(sigmaMax)) {
            return (long) references.batches() * references.options().referenceSteps();
        }
        return 0L;
    }

    @Override
    public double evaluate(Schedule schedule, StepListener listener) {
        if (referenceStats == null) {
            referenceStats = stats(references.reference(schedule.sigmaMax(), listener));
        }
        return Fid.distance(stats(references.solve(schedule, solver, listener)), referenceStats);
    }

    @Override
    public double evaluateSamples(float[] samples, double sigmaMax, StepListener listener) {
        if (referenceStats == null) {
            referenceStats = stats(references.reference(sigmaMax, listener));
        }
        return Fid.distance(stats(samples), referenceStats);
    }

    @Override
    public ReferenceSolutions references() {
        return references;
    }

    /** The reference statistics in use (null until computed when none were given). */
    public GaussianStats referenceStats() {
        return referenceStats;
    }

    /** Gaussian fit of the features of {@code samples} (all of the options' samples), in batches. */
    public GaussianStats stats(float[] samples) {
        int size = references.denoiser().sampleSize();
        int total = samples.length / size;
        int bs = references.options().batchSize();
        GaussianStats.Accumulator acc = new GaussianStats.Accumulator(features.featureSize());
        for (int start = 0; start < total; start += bs) {
            int batch = Math.min(bs, total - start);
            float[] chunk = new float[batch * size];
            System.arraycopy(samples, start * size, chunk, 0, chunk.length);
            float[] f = features.extract(chunk, batch);
            if (f.length != batch * features.featureSize()) {
                throw new ArtException("the feature extractor must return " + batch + " * "
                        + features.featureSize() + " values, found " + f.length);
            }
            acc.add(f, batch);
        }
        return acc.stats();
    }
}
