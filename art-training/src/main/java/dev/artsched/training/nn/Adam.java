package dev.artsched.training.nn;

import ai.djl.ndarray.NDArray;
import dev.artsched.scheduler.ArtException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba) with bias correction and no weight decay, in double precision, with exportable state:
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, p -= lr * m_hat / (sqrt(v_hat) + eps). ART-RL uses
 * lr 1e-4, betas (0.9, 0.999), eps 1e-8. Not thread-safe.
 */
public final class Adam implements Optimiser {
    private final String label;
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private long steps;
    private double[][] m;
    private double[][] v;

    /**
     * @param label name used in error messages (e.g. {@code actor})
     * @param lr    learning rate > 0
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps   denominator guard > 0
     */
    public Adam(String label, double lr, double beta1, double beta2, double eps) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new ArtException("Adam expects lr > 0, betas in [0, 1) and eps > 0, found lr = " + lr
                    + ", betas = (" + beta1 + ", " + beta2 + "), eps = " + eps);
        }
        this.label = label;
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public void step(List<NDArray> parameters) {
        if (m == null) {
            m = new double[parameters.size()][];
            v = new double[parameters.size()][];
        }
        if (m.length != parameters.size()) {
            throw new ArtException(label + " optimiser expected " + m.length + " parameter arrays, found "
                    + parameters.size());
        }
        steps++;
        double c1 = 1.0 - Math.pow(beta1, steps);
        double c2 = 1.0 - Math.pow(beta2, steps);
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            double[] g = p.getGradient().toDoubleArray();
            double[] w = p.toDoubleArray();
            if (m[i] == null) {
                m[i] = new double[w.length];
                v[i] = new double[w.length];
            }
            double[] mi = m[i];
            double[] vi = v[i];
            for (int j = 0; j < w.length; j++) {
                double gj = g[j];
                if (!Double.isFinite(gj)) {
                    throw new ArtException("the " + label + " network's gradient became non-finite (" + gj
                            + ") in parameter array " + i + " at update " + steps + "; expected finite gradients");
                }
                mi[j] = beta1 * mi[j] + (1.0 - beta1) * gj;
                vi[j] = beta2 * vi[j] + (1.0 - beta2) * gj * gj;
                w[j] -= lr * (mi[j] / c1) / (Math.sqrt(vi[j] / c2) + eps);
                if (!Double.isFinite(w[j])) {
                    throw new ArtException("the " + label + " network's parameters became non-finite in array "
                            + i + " at update " + steps + "; expected finite parameters");
                }
            }
            DjlArrays.overwrite(p, w);
        }
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", "adam");
        d.put("lr", lr);
        d.put("beta1", beta1);
        d.put("beta2", beta2);
        d.put("eps", eps);
        d.put("weight_decay", 0.0);
        return d;
    }

    @Override
    public double[][] exportState() {
        int n = m == null ? 0 : m.length;
        double[][] out = new double[1 + 2 * n][];
        out[0] = new double[] {steps};
        for (int i = 0; i < n; i++) {
            out[1 + i] = m[i] == null ? new double[0] : m[i].clone();
            out[1 + n + i] = v[i] == null ? new double[0] : v[i].clone();
        }
        return out;
    }

    @Override
    public void importState(double[][] state) {
        if (state.length < 1 || state[0].length != 1 || state.length % 2 != 1) {
            throw new ArtException(label + " optimiser state expected 1 + 2n arrays, found " + state.length);
        }
        int n = (state.length - 1) / 2;
        steps = (long) state[0][0];
        if (n == 0) {
            m = null;
            v = null;
            return;
        }
        m = new double[n][];
        v = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = state[1 + i].clone();
            v[i] = state[1 + n + i].clone();
        }
    }
}
