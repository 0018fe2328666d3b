package dev.artsched.training.closedform;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.Solver;
import dev.artsched.training.problem.DoubleDenoiser;
import dev.artsched.training.problem.GridSolver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The solver-aware closed form for EDM's Heun (order 2, with an Euler step into 0): the local error of a Heun
 * step of size h at sigma is C(sigma) h^3, measured along rollouts by a Richardson pair (one step of h against two
 * of h/2 differ by 3/4 C h^3); the final Euler step from sigma into 0 errs by E(sigma), measured against the
 * rollout's end. Equidistributing the local error e over the steps puts the last positive sigma where E = e and
 * the Heun points at equal quantiles of the integral of C^(1/3) d sigma above it, with e chosen so that N steps
 * result.
 */
public final class HeunClosedForm {
    /** The probe step relative to sigma. */
    public static final double PROBE = 0.1;
    /** Floor on C so the cumulative integral stays strictly increasing. */
    private static final double EPS = 1e-12;

    private HeunClosedForm() {
    }

    /**
     * The density probe.
     *
     * @param sigmas probe noise levels, descending from T to sigma_min
     * @param c      mean C(sigma) at each
     * @param last   mean error E(sigma) of one Euler step from sigma into 0 at each
     * @param calls  denoiser calls spent
     */
    public record Density(double[] sigmas, double[] c, double[] last, long calls) {
        /** Copies. */
        public Density {
            sigmas = sigmas.clone();
            c = c.clone();
            last = last.clone();
        }
    }

    /** Measures C at {@code probes} EDM-spaced sigmas with {@code rollouts} noises from {@code seed}. */
    public static Density density(DoubleDenoiser model, double sigmaMax, double sigmaMin, int rollouts, int probes,
                                  long seed) {
        return density(model, sigmaMax, sigmaMin, rollouts, probes, seed, null);
    }

    /** The same; {@code progress} (may be null) sees each probe done (1..probes). */
    public static Density density(DoubleDenoiser model, double sigmaMax, double sigmaMin, int rollouts, int probes,
                                  long seed, java.util.function.IntConsumer progress) {
        if (rollouts < 1 || probes < 2) {
            throw new ArtException("the Heun closed form needs >= 1 rollout and >= 2 probes, found " + rollouts
                    + " and " + probes);
        }
        long calls0 = model.calls();
        int d = model.dim();
        double[] p = java.util.Arrays.copyOf(GridSolver.edmGrid(sigmaMax, sigmaMin, probes, 7.0), probes);
        double[] z = GridSolver.noise(seed, rollouts, d);
        double[] x = new double[z.length];
        for (int j = 0; j < x.length; j++) {
            x[j] = sigmaMax * z[j];
        }
        double[] c = new double[probes];
        double[][] den = new double[probes][];
        double[] one = new double[x.length];
        double[] half = new double[x.length];
        double[] two = new double[x.length];
        double[] next = new double[x.length];
        for (int k = 0; k < probes; k++) {
            double s = p[k];
            double h = PROBE * s;
            GridSolver.step(model, Solver.HEUN, x, null, s, s - h, rollouts, one);
            GridSolver.step(model, Solver.HEUN, x, null, s, s - h / 2, rollouts, half);
            GridSolver.step(model, Solver.HEUN, half, null, s - h / 2, s - h, rollouts, two);
            double acc = 0;
            for (int b = 0; b < rollouts; b++) {
                double sq = 0;
                for (int j = b * d; j < (b + 1) * d; j++) {
                    double e = one[j] - two[j];
                    sq += e * e;
                }
                acc += Math.sqrt(sq / d);
            }
            c[k] = Math.max(acc / rollouts / (0.75 * h * h * h), EPS);
            den[k] = new double[x.length];
            model.denoise(x, GridSolver.filled(rollouts, s), rollouts, den[k]);
            double target = k + 1 < probes ? p[k + 1] : 0.0;
            int sub = k + 1 < probes ? 4 : 16;
            for (int i = 0; i < sub; i++) {
                double a = s + (target - s) * i / sub;
                double e = i + 1 == sub ? target : s + (target - s) * (i + 1) / sub;
                GridSolver.step(model, Solver.HEUN, x, null, a, e, rollouts, next);
                double[] t = x;
                x = next;
                next = t;
            }
            if (progress != null) {
                progress.accept(k + 1);
            }
        }
        double[] last = new double[probes];
        for (int k = 0; k < probes; k++) {
            last[k] = Math.max(meanRms(den[k], x, rollouts, d), EPS);
        }
        return new Density(p, c, last, model.calls() - calls0);
    }

    /** The N-step grid with equidistributed local error (see the class comment). */
    public static double[] sigmas(Density density, int steps) {
        if (steps < 1) {
            throw new ArtException("steps must be >= 1, found " + steps);
        }
        double[] p = density.sigmas();
        if (steps == 1) {
            return new double[] {p[0], 0.0};
        }
        int n = p.length;
        // ascending probe nodes sigma_min .. T
        double[] s = new double[n];
        double[] rho = new double[n];
        double[] e = new double[n];
        for (int k = 0; k < n; k++) {
            s[n - 1 - k] = p[k];
            rho[n - 1 - k] = Math.cbrt(density.c()[k]);
            e[n - 1 - k] = density.last()[k];
        }
        double[] cum = new double[n];
        for (int k = 1; k < n; k++) {
            cum[k] = cum[k - 1] + 0.5 * (rho[k] + rho[k - 1]) * (s[k] - s[k - 1]);
        }
        double lo = Math.log(EPS);
        double hi = Math.log(max(e) * 1e3 + max(density.c()) * Math.pow(s[n - 1], 3));
        for (int it = 0; it < 200; it++) {
            double mid = 0.5 * (lo + hi);
            double last = lastSigma(s, e, Math.exp(mid));
            double heunSteps = (cum[n - 1] - at(s, cum, last)) / Math.cbrt(Math.exp(mid));
            if (heunSteps > steps - 1) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double last = Math.min(lastSigma(s, e, Math.exp(hi)), s[n - 1] * (1 - 1e-9));
        double base = at(s, cum, last);
        double[] out = new double[steps + 1];
        out[0] = s[n - 1];
        int k = n - 2;
        for (int j = 1; j < steps - 1; j++) {
            double target = base + (cum[n - 1] - base) * (steps - 1 - j) / (steps - 1);
            while (k > 0 && cum[k] > target) {
                k--;
            }
            double w = (target - cum[k]) / (cum[k + 1] - cum[k]);
            out[j] = Math.max(s[k] + w * (s[k + 1] - s[k]), last);
        }
        out[steps - 1] = last;
        out[steps] = 0.0;
        for (int j = steps - 2; j > 0; j--) {
            out[j] = Math.max(out[j], out[j + 1] * (1 + 1e-9));
        }
        Schedule.validate(out);
        return out;
    }

    /** The largest probe-interpolated sigma below which the last-step error stays within {@code eps}. */
    private static double lastSigma(double[] s, double[] e, double eps) {
        if (e[0] > eps) {
            return s[0];
        }
        for (int k = 1; k < s.length; k++) {
            if (e[k] > eps) {
                double w = (Math.log(eps) - Math.log(e[k - 1])) / (Math.log(e[k]) - Math.log(e[k - 1]));
                return Math.exp(Math.log(s[k - 1]) + w * (Math.log(s[k]) - Math.log(s[k - 1])));
            }
        }
        return s[s.length - 1];
    }

    /** The cumulative integral at sigma (linear between nodes). */
    private static double at(double[] s, double[] cum, double sigma) {
        for (int k = 1; k < s.length; k++) {
            if (sigma <= s[k]) {
                return cum[k - 1] + (sigma - s[k - 1]) / (s[k] - s[k - 1]) * (cum[k] - cum[k - 1]);
            }
        }
        return cum[s.length - 1];
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static double meanRms(double[] a, double[] b, int batch, int d) {
        double acc = 0;
        for (int i = 0; i < batch; i++) {
            double sq = 0;
            for (int j = i * d; j < (i + 1) * d; j++) {
                sq += (a[j] - b[j]) * (a[j] - b[j]);
            }
            acc += Math.sqrt(sq / d);
        }
        return acc / batch;
    }

    /** Provenance of a density probe. */
    public static Map<String, Object> provenance(Density density, int rollouts, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", "heun: C^(1/3), C from Richardson pairs");
        m.put("rollouts", rollouts);
        m.put("probes", density.sigmas().length);
        m.put("probe_step", PROBE);
        m.put("seed", seed);
        m.put("denoiser_calls", density.calls());
        return m;
    }
}
