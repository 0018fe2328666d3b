package dev.artsched.training.rl;

import dev.artsched.training.problem.ReferenceRollouts;
import dev.artsched.scheduler.ArtException;

/**
 * The closed-form clock speed theta_cf(psi) = c / sqrt(max(mean |Q|(psi), eps)) with c = (1/T) integral_0^T
 * sqrt(mean |Q|) dpsi, tabulated on the reference rollouts' fine grid and interpolated linearly in psi (clamped to
 * [0, T]). It is the time-only ART optimum (docs/MATH.md 2.1): integral_0^T dpsi / theta_cf = T. Immutable.
 */
public final class SpeedPrior {
    private final double[] psi;
    private final double[] theta;
    /** Clock time at each node, clock(psi) = integral dpsi / theta, scaled so that clock(T) = T. */
    private final double[] clock;

    /** From tabulated nodes (strictly increasing psi) and positive finite speeds. */
    public SpeedPrior(double[] psi, double[] theta) {
        if (psi.length < 2 || psi.length != theta.length) {
            throw new ArtException("a speed prior needs >= 2 nodes and one speed per node, found " + psi.length
                    + " nodes and " + theta.length + " speeds");
        }
        for (int i = 0; i < psi.length; i++) {
            if (!(theta[i] > 0) || !Double.isFinite(theta[i]) || (i > 0 && !(psi[i] > psi[i - 1]))) {
                throw new ArtException("a speed prior needs increasing nodes and positive finite speeds, found psi "
                        + psi[i] + ", speed " + theta[i] + " at node " + i);
            }
        }
        this.psi = psi.clone();
        this.theta = theta.clone();
        this.clock = clockOf(psi, theta);
    }

    private SpeedPrior(double[] psi, double[] theta, double[] clock) {
        this.psi = psi;
        this.theta = theta;
        this.clock = clock;
    }

    /**
     * The prior whose time map passes through a given grid: clock j T / K reaches psi = T - sigma_j, linear in
     * between, so the budget-exact clock's u = 1 path is exactly that grid at K steps (used for a solver-aware
     * closed form such as Heun's, whose grid is not a quantile map of one density).
     *
     * @param sigmas a valid grid from T down to 0, K + 1 points
     */
    public static SpeedPrior ofGrid(double[] sigmas) {
        dev.artsched.scheduler.Schedule.validate(sigmas);
        int n = sigmas.length;
        double t = sigmas[0];
        double[] p = new double[n];
        double[] c = new double[n];
        double[] th = new double[n];
        for (int j = 0; j < n; j++) {
            p[j] = t - sigmas[j];
            c[j] = t * j / (n - 1);
        }
        p[n - 1] = t;
        for (int j = 0; j < n; j++) {
            int a = Math.min(j, n - 2);
            th[j] = (p[a + 1] - p[a]) / (c[a + 1] - c[a]);
        }
        return new SpeedPrior(p, th, c);
    }

    private static double[] clockOf(double[] psi, double[] theta) {
        int n = psi.length;
        double[] c = new double[n];
        for (int i = 1; i < n; i++) {
            c[i] = c[i - 1] + (psi[i] - psi[i - 1]) * 0.5 * (1 / theta[i - 1] + 1 / theta[i]);
        }
        double scale = (psi[n - 1] - psi[0]) / c[n - 1];
        for (int i = 0; i < n; i++) {
            c[i] = psi[0] + c[i] * scale;
        }
        return c;
    }

    /**
     * The secant speed of one clock step of length {@code dt} from {@code x}: the closed-form time map carries psi
     * from x to psi_cf(clock(x) + dt), so the speed is (psi_cf(clock(x) + dt) - x) / dt. It equals {@link #at} as
     * dt -> 0, and unlike the pointwise speed it reproduces the closed-form grid at any K (the pointwise speed read
     * at the start of a long step overshoots: on MNIST at K = 18 it spent 1.3x the budget). At or past the last
     * node it is the last node's speed.
     */
    public double secant(double x, double dt) {
        int n = psi.length;
        if (x >= psi[n - 1]) {
            return theta[n - 1];
        }
        double tau = interp(x, psi, clock) + dt;
        double next = tau >= clock[n - 1] ? psi[n - 1] : interp(tau, clock, psi);
        return next > x ? (next - x) / dt : theta[n - 1];
    }

    private static double interp(double x, double[] xs, double[] ys) {
        int n = xs.length;
        if (x <= xs[0]) {
            return ys[0];
        }
        if (x >= xs[n - 1]) {
            return ys[n - 1];
        }
        int lo = java.util.Arrays.binarySearch(xs, x);
        if (lo >= 0) {
            return ys[lo];
        }
        int hi = -lo - 1;
        lo = hi - 1;
        double w = (x - xs[lo]) / (xs[hi] - xs[lo]);
        return ys[lo] + w * (ys[hi] - ys[lo]);
    }

    /** The closed-form speed from reference rollouts; {@code eps} floors mean |Q|. */
    public static SpeedPrior closedForm(ReferenceRollouts ref, double eps) {
        double[] p = ref.psi();
        double[] q = ref.meanQ();
        double c = ref.rootScale();
        // the EDM-spaced fine grid repeats psi = T in double precision at its last nodes: keep the first of equal ones
        double[] ps = new double[p.length];
        double[] th = new double[p.length];
        int n = 0;
        for (int i = 0; i < p.length; i++) {
            if (n > 0 && !(p[i] > ps[n - 1])) {
                continue;
            }
            ps[n] = p[i];
            th[n++] = c / Math.sqrt(Math.max(q[i], eps));
        }
        if (!(c > 0) || !Double.isFinite(c)) {
            throw new ArtException("the closed-form prior needs a positive, finite |Q| scale from the reference "
                    + "rollouts, found c = " + c + "; expected |Q| > 0 somewhere along the reference trajectories");
        }
        return new SpeedPrior(java.util.Arrays.copyOf(ps, n), java.util.Arrays.copyOf(th, n));
    }

    /**
     * The closed-form time map: the physical time psi reached at clock time {@code tau} in [0, T] (linear between
     * nodes, clamped at both ends). Inverse of {@link #clockAt}.
     */
    public double psiAtClock(double tau) {
        return interp(tau, clock, psi);
    }

    /** The clock time at which the closed-form time map reaches the physical time {@code x}. */
    public double clockAt(double x) {
        return interp(x, psi, clock);
    }

    /** The speed at physical time {@code x}, linear between nodes, constant outside. */
    public double at(double x) {
        return interp(x, psi, theta);
    }

    /** {psi nodes, speeds}, for checkpoints. */
    public double[][] export() {
        return new double[][] {psi.clone(), theta.clone()};
    }

    /** Inverse of {@link #export()}. */
    public static SpeedPrior restore(double[][] table) {
        if (table.length != 2) {
            throw new ArtException("a speed prior table needs 2 rows (psi, speed), found " + table.length);
        }
        return new SpeedPrior(table[0], table[1]);
    }
}
