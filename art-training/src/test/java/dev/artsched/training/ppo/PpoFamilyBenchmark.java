package dev.artsched.training.ppo;

import dev.artsched.eval.Fid;
import dev.artsched.eval.GaussianStats;
import dev.artsched.eval.RefRmse;
import dev.artsched.eval.ReferenceSolutions;
import dev.artsched.onnx.OnnxPolicy;
import dev.artsched.sampling.AdaptiveResult;
import dev.artsched.sampling.StepListener;
import dev.artsched.sampling.analytic.ModelZoo;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.scheduler.TimestepSchedulers;
import dev.artsched.scheduler.adaptive.AdaptiveScheduler;
import dev.artsched.training.run.TrainingListener;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The PPO scheduler on members of the generated model family (identity features, the bank drawn from each
 * mixture's data): for each member, solver and N one PPO run, its distilled grid and its ONNX policy (the adaptive
 * scheduler at the same NFE budget) scored against EDM by ref-rmse on 256 noises no learner saw (seed 777, a
 * 256-step Heun reference) and by the Frechet distance of 8192 samples (seed 779) to the member's data
 * distribution (FID with identity features). One line per cell. Run:
 * {@code java -cp art-training/target/test-classes:art-training/target/classes:$(cat cp.txt)
 * dev.artsched.training.ppo.PpoFamilyBenchmark FIRST_SEED COUNT ITERATIONS [auto|pearson|distance [GROUP]]}.
 */
public final class PpoFamilyBenchmark {
    private PpoFamilyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        dev.artsched.eval.reward.PearsonReward.Similarity sim = args.length > 3 && !args[3].equals("auto")
                ? dev.artsched.eval.reward.PearsonReward.Similarity.parse(args[3]) : null;
        int group = args.length > 4 ? Integer.parseInt(args[4]) : PpoConfig.GROUP;
        Path tmp = Files.createTempDirectory("ppo-family");
        int below = 0;
        int belowFd = 0;
        int adaptiveBelowFd = 0;
        int cells = 0;
        for (long seed = first; seed < first + count; seed++) {
            ModelZoo.Member m = ModelZoo.member(seed);
            double t = m.sigmaMax();
            ReferenceSolutions refs = new ReferenceSolutions(m.model(), new ReferenceSolutions.Options(256, 777,
                    256, 256, 7.0, ModelZoo.SIGMA_MIN));
            // The distributional score, FID with identity features: the Frechet distance of FD_SAMPLES samples
            // (noises no learner saw) to the member's data distribution (FD_DATA exact draws).
            ReferenceSolutions fdNoises = new ReferenceSolutions(m.model(), new ReferenceSolutions.Options(FD_SAMPLES,
                    779, 1024, 256, 7.0, ModelZoo.SIGMA_MIN));
            GaussianStats data = GaussianStats.of(m.model().sampleData(FD_DATA, 780), FD_DATA, m.dim());
            for (Solver sv : Solver.values()) {
                RefRmse metric = new RefRmse(refs, sv);
                for (int n : new int[] {5, 10, 18}) {
                    long t0 = System.nanoTime();
                    PpoConfig c = PpoConfig.defaults(seed).withIterations(iterations).withGroup(group);
                    Path out = tmp.resolve(m.name() + "-" + sv.id() + "-" + n + ".json");
                    PpoMethod.Outcome o = PpoMethod.train(m.model(), Optional.of(m.name()), t, ModelZoo.SIGMA_MIN,
                            sv, n, new PpoMethod.Settings(c, null, null, null, sim), out, null, false,
                            TrainingListener.NONE);
                    double secs = (System.nanoTime() - t0) * 1e-9;
                    Schedule edm = TimestepSchedulers.schedule(String.format(Locale.ROOT,
                            "edm:sigma_max=%s,sigma_min=%s", t, ModelZoo.SIGMA_MIN), n);
                    double eEdm = metric.evaluate(edm, StepListener.NONE);
                    Schedule ppo = new Schedule("ppo", o.sigmas(), "ppo");
                    double ePpo = metric.evaluate(ppo, StepListener.NONE);
                    double eAd;
                    AdaptiveResult ar;
                    double fdAd;
                    try (OnnxPolicy p = OnnxPolicy.load(Path.of(String.valueOf(o.training().get("policy_graph"))))) {
                        ar = refs.solve(new AdaptiveScheduler(p, sv, sv.nfe(n)));
                        eAd = RefRmse.rms(ar.samples(), refs.reference(t, StepListener.NONE), m.dim());
                        fdAd = fd(fdNoises.solve(new AdaptiveScheduler(p, sv, sv.nfe(n))).samples(), data);
                    }
                    double fdEdm = fd(fdNoises.solve(edm, sv, StepListener.NONE), data);
                    double fdPpo = fd(fdNoises.solve(ppo, sv, StepListener.NONE), data);
                    cells++;
                    below += ePpo < eEdm ? 1 : 0;
                    belowFd += fdPpo < fdEdm ? 1 : 0;
                    adaptiveBelowFd += fdAd < fdEdm ? 1 : 0;
                    var curve = (java.util.List<?>) o.training().get("reward_curve");
                    System.out.printf(Locale.ROOT, "%s | %s | %d | %.4g | %.4g | %.3f | %.4g (NFE %.2f / %d) | "
                                    + "%.4g | %.4g | %.3f | %.4g | %.4f -> %.4f | %.0f s%n", m.describe(), sv.id(),
                            n, eEdm, ePpo, ePpo / eEdm, eAd, ar.meanNfe(), ar.maxNfe(), fdEdm, fdPpo, fdPpo / fdEdm,
                            fdAd, curve.isEmpty() ? Double.NaN : (Double) curve.get(0),
                            curve.isEmpty() ? Double.NaN : (Double) curve.get(curve.size() - 1), secs);
                }
            }
        }
        System.out.printf(Locale.ROOT, "distilled PPO grid below EDM in %d of %d cells by ref-rmse, in %d by FD "
                + "(adaptive policy: %d by FD)%n", below, cells, belowFd, adaptiveBelowFd);
    }

    /** Samples drawn for the Frechet distance, and exact data draws for the member's statistics. */
    static final int FD_SAMPLES = 8192;
    static final int FD_DATA = 65_536;

    /** The Frechet distance of the samples' Gaussian statistics to the data's (FID with identity features). */
    static double fd(float[] samples, GaussianStats data) {
        return Fid.distance(GaussianStats.of(samples, samples.length / data.dim(), data.dim()), data);
    }
}
