package dev.artsched.scheduler;

/**
 * Moves a grid to another step count (docs/MATH.md section 5). {@link #timeMap} is the default for learned ART grids:
 * the grid is read as a time map psi on a uniform clock (sigma_k = T - psi(k/N)) and re-evaluated at the new
 * clock points with psi piecewise linear, so the terminal 0 is part of the map. {@link #logLinear} is the rule
 * ComfyUI/A1111 use for published lists (Align Your Steps): log sigma interpolated over the positive entries,
 * endpoints kept, 0 re-appended. Both return the input unchanged at the original step count.
 */
public final class Resampling {
    private Resampling() {
    }

    /** The supported rules, as named in scheduler options ({@code resample=time-map|loglinear}). */
    public enum Rule {
        /** Piecewise-linear time map on the normalised clock (default for learned grids). */
        TIME_MAP("time-map"),
        /** Log-linear interpolation of the positive sigmas (Align Your Steps rule). */
        LOG_LINEAR("loglinear");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        /** The option value naming this rule. */
        public String id() {
            return id;
        }

        /** Parses {@code time-map}/{@code timemap} or {@code loglinear}/{@code log-linear}. */
        public static Rule parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT).replace("_", "-");
            switch (t) {
                case "time-map":
                case "timemap":
                    return TIME_MAP;
                case "loglinear":
                case "log-linear":
                    return LOG_LINEAR;
                default:
                    throw new ArtException("unknown resampling rule '" + ArtException.quote(text)
                            + "': expected time-map or loglinear");
            }
        }

        /** Applies this rule. */
        public double[] apply(double[] sigmas, int newSteps) {
            return this == TIME_MAP ? timeMap(sigmas, newSteps) : logLinear(sigmas, newSteps);
        }
    }

    /**
     * Time-map resampling: sigma'_j = T - psi(j / N'), psi interpolated piecewise-linearly through
     * (k / N, T - sigma_k), k = 0..N.
     *
     * @param sigmas   a valid grid of N + 1 sigmas ending in 0
     * @param newSteps N' >= 1
     * @return N' + 1 sigmas ending in 0
     */
    public static double[] timeMap(double[] sigmas, int newSteps) {
        Schedule.validate(sigmas);
        checkSteps(newSteps);
        int n = sigmas.length - 1;
        if (newSteps == n) {
            return sigmas.clone();
        }
        double[] out = new double[newSteps + 1];
        out[0] = sigmas[0];
        out[newSteps] = 0.0;
        for (int j = 1; j < newSteps; j++) {
            double u = (double) j * n / newSteps;
            int k = (int) Math.floor(u);
            if (k >= n) {
                k = n - 1;
            }
            double w = u - k;
            out[j] = sigmas[k] + w * (sigmas[k + 1] - sigmas[k]);
        }
        return out;
    }

    /**
     * Log-linear resampling: positive entries sigma_0..sigma_{N-1} placed at xs = linspace(0, 1, N), log sigma
     * interpolated at linspace(0, 1, N'), 0 re-appended.
     *
     * @param sigmas   a valid grid of N + 1 sigmas ending in 0 (N >= 2 unless N' == N)
     * @param newSteps N' >= 1
     * @return N' + 1 sigmas ending in 0
     */
    public static double[] logLinear(double[] sigmas, int newSteps) {
        Schedule.validate(sigmas);
        checkSteps(newSteps);
        int n = sigmas.length - 1;
        if (newSteps == n) {
            return sigmas.clone();
        }
        if (n < 2) {
            throw new ArtException("log-linear resampling needs at least 2 positive sigmas, found " + n);
        }
        double[] out = new double[newSteps + 1];
        out[0] = sigmas[0];
        if (newSteps > 1) {
            out[newSteps - 1] = sigmas[n - 1];
        }
        for (int j = 1; j < newSteps - 1; j++) {
            double u = (double) j * (n - 1) / (newSteps - 1);
            int k = (int) Math.floor(u);
            if (k >= n - 1) {
                k = n - 2;
            }
            double w = u - k;
            out[j] = Math.exp(Math.log(sigmas[k]) + w * (Math.log(sigmas[k + 1]) - Math.log(sigmas[k])));
        }
        out[newSteps] = 0.0;
        return out;
    }

    /**
     * The published-list rule of ComfyUI's Align Your Steps and GITS nodes, for a list imported with
     * {@link Terminal#REPLACE}: the N + 1 published values (the final sigma_min included) are kept at N' = N and
     * otherwise log-linearly interpolated to N' + 1 points ({@link #loglinearInterp}); then the last value is set
     * to 0.
     *
     * @param published the N + 1 positive, strictly decreasing published values
     * @param newSteps  N' >= 1
     * @return N' + 1 sigmas ending in 0
     */
    public static double[] logLinearReplace(double[] published, int newSteps) {
        checkSteps(newSteps);
        if (published.length < 2) {
            throw new ArtException("log-linear resampling needs at least 2 published sigmas, found " + published.length);
        }
        double[] out = newSteps + 1 == published.length ? published.clone() : loglinearInterp(published, newSteps + 1);
        out[newSteps] = 0.0;
        Schedule.validate(out);
        return out;
    }

    /**
     * Log-linear interpolation of a decreasing positive list to {@code count} points, computed as ComfyUI's
     * {@code loglinear_interp} does with numpy: the reversed logs at {@code linspace(0, 1, len)}, {@code interp}
     * at {@code linspace(0, 1, count)}, exponentiated and reversed back.
     *
     * @param values decreasing positive values (length >= 2)
     * @param count  number of points >= 2
     */
    public static double[] loglinearInterp(double[] values, int count) {
        int n = values.length;
        if (n < 2 || count < 2) {
            throw new ArtException("log-linear interpolation needs >= 2 values and >= 2 points, found " + n + " and "
                    + count);
        }
        double[] xs = linspace01(n);
        double[] ys = new double[n];
        for (int k = 0; k < n; k++) {
            ys[k] = Math.log(values[n - 1 - k]);
        }
        double[] nx = linspace01(count);
        double[] out = new double[count];
        int j = 0;
        for (int i = 0; i < count; i++) {
            double x = nx[i];
            double y;
            if (x >= xs[n - 1]) {
                y = ys[n - 1];
            } else {
                while (j + 1 < n && xs[j + 1] <= x) {
                    j++;
                }
                if (xs[j] == x) {
                    y = ys[j];
                } else {
                    double slope = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]);
                    y = slope * (x - xs[j]) + ys[j];
                }
            }
            out[count - 1 - i] = Math.exp(y);
        }
        return out;
    }

    /** numpy's {@code linspace(0, 1, n)}: i * (1 / (n - 1)), the last point exactly 1. */
    private static double[] linspace01(int n) {
        double[] x = new double[n];
        double step = 1.0 / (n - 1);
        for (int i = 0; i < n; i++) {
            x[i] = i * step;
        }
        x[n - 1] = 1.0;
        return x;
    }

    private static void checkSteps(int newSteps) {
        if (newSteps < 1) {
            throw new ArtException("the number of steps must be >= 1, found " + newSteps);
        }
    }
}
