package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Parallel;
import org.deeptoy.tensor.Tensor;

/**
 * Batch normalization of x [n, c] or [n, c, h, w], per feature (channel) c, with learned scale γ
 * and shift β [c] and running statistics μ_run, σ²_run [c] (constants, updated in training):
 * <pre>
 * training:  μ, σ² = mean and variance of the batch (over n, h, w);  x̂ = (x - μ) / √(σ² + ε);  y = γ x̂ + β
 *            μ_run ← (1 - m) μ_run + m μ,   σ²_run ← (1 - m) σ²_run + m σ² · N/(N-1)
 *            dL/dx = γ/(N √(σ² + ε)) · (N dy - Σ dy - x̂ Σ dy x̂)   (N values per feature)
 * inference: x̂ = (x - μ_run) / √(σ²_run + ε);  y = γ x̂ + β;  dL/dx = γ dy / √(σ²_run + ε)
 * both:      dL/dγ = Σ dy x̂,   dL/dβ = Σ dy
 * </pre>
 */
public final class BatchNorm extends Node {
    private final double momentum, epsilon;

    public BatchNorm(double momentum, double epsilon) {
        super("batchNorm");
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    /** What backward needs: x̂ and 1/√(σ² + ε) per feature. */
    private record Saved(double[] xhat, double[] invStd) {}

    /** Inference: normalise by the running statistics. */
    @Override
    protected Tensor forward(Tensor[] x) {
        return scaleShift(x, xhat(x, x[3].data(), invStd(x[4].data())));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return gradients(x, dy, need, new Saved(xhat(x, x[3].data(), invStd(x[4].data())), invStd(x[4].data())), false);
    }

    @Override
    protected Tensor forward(Tensor[] x, Pass pass) {
        if (!pass.training()) return forward(x);
        Layout l = layout(x);
        double[] d = x[0].data();
        double[] mean = sumPerFeature(l, (sums, a0, a1) -> {
            for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                for (int f = 0; f < l.c; f++) {
                    double sum = 0;
                    for (int end = i + l.inner; i < end; i++) sum += d[i];
                    sums[0][f] += sum;
                }
            }
        }, 1)[0];
        for (int f = 0; f < l.c; f++) mean[f] /= l.count;
        double[] var = sumPerFeature(l, (sums, a0, a1) -> {
            for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                for (int f = 0; f < l.c; f++) {
                    double m = mean[f], sum = 0;
                    for (int end = i + l.inner; i < end; i++) sum += (d[i] - m) * (d[i] - m);
                    sums[0][f] += sum;
                }
            }
        }, 1)[0];
        for (int f = 0; f < l.c; f++) var[f] /= l.count;
        updateRunning(mean, var, l.count);
        double[] inv = invStd(var);
        double[] xhat = xhat(x, mean, inv);
        pass.keep(this, new Saved(xhat, inv));
        return scaleShift(x, xhat);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        if (!pass.training()) return backward(x, y, dy, need);
        return gradients(x, dy, need, pass.kept(this), true);
    }

    private Tensor[] gradients(Tensor[] x, Tensor dy, boolean[] need, Saved s, boolean training) {
        Layout l = layout(x);
        double[] g = dy.data(), xh = s.xhat, gamma = x[1].data();
        double[][] sums = sumPerFeature(l, (part, a0, a1) -> {
            for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                for (int f = 0; f < l.c; f++) {
                    double sd = 0, sdx = 0;
                    for (int end = i + l.inner; i < end; i++) {
                        sd += g[i];
                        sdx += g[i] * xh[i];
                    }
                    part[0][f] += sd;
                    part[1][f] += sdx;
                }
            }
        }, 2);
        double[] sumDy = sums[0], sumDyXhat = sums[1];
        Tensor[] out = new Tensor[5];
        if (need[0]) {
            double[] dx = new double[g.length];
            double n = l.count;
            Parallel.run(l.n, grain(l), (part, a0, a1) -> {
                for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                    for (int f = 0; f < l.c; f++) {
                        double k = gamma[f] * s.invStd[f], sd = sumDy[f] / n, sdx = sumDyXhat[f] / n;
                        if (training) for (int end = i + l.inner; i < end; i++) dx[i] = k * (g[i] - sd - xh[i] * sdx);
                        else for (int end = i + l.inner; i < end; i++) dx[i] = k * g[i];
                    }
                }
            });
            out[0] = Tensor.wrap(dx, x[0].shape());
        }
        if (need[1]) out[1] = Tensor.wrap(sumDyXhat, l.c);
        if (need[2]) out[2] = Tensor.wrap(sumDy, l.c);
        return out;
    }

    private void updateRunning(double[] mean, double[] var, int count) {
        Tensor rm = inputs().get(3).value(), rv = inputs().get(4).value();
        if (rm == null || rv == null) return;
        double[] m = rm.data().clone(), v = rv.data().clone();
        double unbiased = count > 1 ? (double) count / (count - 1) : 1;
        for (int f = 0; f < m.length; f++) {
            m[f] = (1 - momentum) * m[f] + momentum * mean[f];
            v[f] = (1 - momentum) * v[f] + momentum * var[f] * unbiased;
        }
        inputs().get(3).set(Tensor.wrap(m, rm.shape()));
        inputs().get(4).set(Tensor.wrap(v, rv.shape()));
    }

    private double[] invStd(double[] var) {
        double[] inv = new double[var.length];
        for (int f = 0; f < var.length; f++) inv[f] = 1 / Math.sqrt(var[f] + epsilon);
        return inv;
    }

    private static double[] xhat(Tensor[] x, double[] mean, double[] inv) {
        Layout l = layout(x);
        double[] d = x[0].data(), xhat = new double[d.length];
        Parallel.run(l.n, grain(l), (part, a0, a1) -> {
            for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                for (int f = 0; f < l.c; f++) {
                    double m = mean[f], k = inv[f];
                    for (int end = i + l.inner; i < end; i++) xhat[i] = (d[i] - m) * k;
                }
            }
        });
        return xhat;
    }

    private static Tensor scaleShift(Tensor[] x, double[] xhat) {
        Layout l = layout(x);
        double[] gamma = x[1].data(), beta = x[2].data(), y = new double[xhat.length];
        Parallel.run(l.n, grain(l), (part, a0, a1) -> {
            for (int a = a0, i = a0 * l.c * l.inner; a < a1; a++) {
                for (int f = 0; f < l.c; f++) {
                    double k = gamma[f], b = beta[f];
                    for (int end = i + l.inner; i < end; i++) y[i] = k * xhat[i] + b;
                }
            }
        });
        return Tensor.wrap(y, x[0].shape());
    }

    /** Sums per feature over the rows of x: each part of the rows ({@link Parallel}) into its own k arrays, then the parts in order. */
    private static double[][] sumPerFeature(Layout l, Rows body, int k) {
        double[][][] parts = new double[Parallel.PARTS][][];
        int used = Parallel.run(l.n, grain(l), (part, a0, a1) -> {
            parts[part] = new double[k][l.c];
            body.sum(parts[part], a0, a1);
        });
        double[][] sums = new double[k][l.c];
        for (int p = 0; p < used; p++) {
            for (int j = 0; j < k; j++) for (int f = 0; f < l.c; f++) sums[j][f] += parts[p][j][f];
        }
        return sums;
    }

    /** Adds the sums of rows [a0, a1) into sums[j][feature]. */
    @FunctionalInterface
    private interface Rows {
        void sum(double[][] sums, int a0, int a1);
    }

    /** Rows per part: enough values that a part is worth a thread. */
    private static int grain(Layout l) {
        return Math.max(1, 32768 / Math.max(1, l.c * l.inner));
    }

    /** x seen as [n, c, inner] (inner = h·w, or 1 for [n, c]); count = n·inner values per feature. The loops run over a, f, then the inner run. */
    private record Layout(int n, int c, int inner, int count) {}

    private static Layout layout(Tensor[] x) {
        int[] s = x[0].shape();
        if (s.length != 2 && s.length != 4) {
            throw new IllegalArgumentException("x must be [n, features] or [n, channels, height, width], got " + shape(x[0]));
        }
        int c = s[1], inner = s.length == 4 ? s[2] * s[3] : 1;
        for (int k = 1; k < 5; k++) {
            if (x[k].size() != c) {
                throw new IllegalArgumentException("γ, β and the running statistics need " + c + " values (one per "
                        + (s.length == 4 ? "channel" : "feature") + " of x " + shape(x[0]) + "), input " + (k + 1) + " has shape " + shape(x[k]));
            }
        }
        return new Layout(s[0], c, inner, s[0] * inner);
    }

    @Override
    public boolean dependsOnMode() {
        return true;
    }

    @Override
    public String attributes() {
        return "momentum=" + momentum;
    }
}
