package dev.artsched.training.rl;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;

/**
 * Turns the actor means recorded along the last M trajectories of training into one fixed grid (docs/MATH.md section
 * 3): trajectories whose sum_k m_k dt lies outside [T/2, 2T] are dropped, each remaining one is normalised to
 * sum m_k dt = T, the normalised means are averaged per clock step k, and psi_k = sum_{j<k} mean_m_j dt,
 * sigma_k = T - psi_k. A ring buffer keeps only the newest M trajectories. Not thread-safe.
 */
public final class Distillation {
    private final int steps;
    private final int capacity;
    private final double sigmaMax;
    private final double[] buffer;
    private int head;
    private int count;

    /**
     * @param steps    K, clock steps per trajectory
     * @param capacity M, trajectories kept
     * @param sigmaMax T
     */
    public Distillation(int steps, int capacity, double sigmaMax) {
        if (steps < 1 || capacity < 1) {
            throw new ArtException("distillation needs K >= 1 and M >= 1, found K = " + steps + ", M = " + capacity);
        }
        this.steps = steps;
        this.capacity = capacity;
        this.sigmaMax = sigmaMax;
        this.buffer = new double[Math.multiplyExact(steps, capacity)];
    }

    /** The result of distilling: the grid and how many trajectories were used and dropped. */
    public record Result(double[] sigmas, int kept, int dropped) {
    }

    /** Records one trajectory's K actor means {@code means[offset .. offset + K)}. */
    public void add(double[] means, int offset) {
        System.arraycopy(means, offset, buffer, head * steps, steps);
        head = (head + 1) % capacity;
        count = Math.min(count + 1, capacity);
    }

    /** Number of trajectories held. */
    public int size() {
        return count;
    }

    /** Trajectories held, oldest first, as {@code size() x K} (for checkpoints). */
    public double[][] export() {
        double[][] out = new double[count][];
        int start = (head - count + capacity) % capacity;
        for (int i = 0; i < count; i++) {
            int r = (start + i) % capacity;
            out[i] = java.util.Arrays.copyOfRange(buffer, r * steps, (r + 1) * steps);
        }
        return out;
    }

    /** Replaces the contents with {@link #export()}'s output. */
    public void restore(double[][] rows) {
        head = 0;
        count = 0;
        for (double[] row : rows) {
            if (row.length != steps) {
                throw new ArtException("distillation buffer rows must hold K = " + steps + " means, found "
                        + row.length);
            }
            add(row, 0);
        }
    }

    /** Distils the held trajectories into a K-step grid. */
    public Result distil() {
        double dt = sigmaMax / steps;
        double[] mean = new double[steps];
        int kept = 0;
        int dropped = 0;
        for (int i = 0; i < count; i++) {
            int off = i * steps;
            double sum = 0;
            boolean finite = true;
            for (int k = 0; k < steps; k++) {
                sum += buffer[off + k] * dt;
                finite &= Double.isFinite(buffer[off + k]);
            }
            if (!finite || sum < sigmaMax / 2 || sum > 2 * sigmaMax) {
                dropped++;
                continue;
            }
            double scale = sigmaMax / sum;
            for (int k = 0; k < steps; k++) {
                mean[k] += buffer[off + k] * scale;
            }
            kept++;
        }
        if (kept == 0) {
            throw new ArtException("distillation found no usable trajectory: expected some with sum m_k dt in [T/2, "
                    + "2T] = [" + sigmaMax / 2 + ", " + 2 * sigmaMax + "], found " + count + " recorded, all outside");
        }
        double[] sigmas = new double[steps + 1];
        double psi = 0;
        sigmas[0] = sigmaMax;
        for (int k = 0; k < steps; k++) {
            double m = mean[k] / kept;
            if (!(m > 0)) {
                throw new ArtException("distilled clock speed at step " + k + " must be > 0 for a decreasing grid, "
                        + "found " + m);
            }
            psi += m * dt;
            sigmas[k + 1] = k + 1 == steps ? 0.0 : sigmaMax - psi;
        }
        Schedule.validate(sigmas);
        return new Result(sigmas, kept, dropped);
    }
}
