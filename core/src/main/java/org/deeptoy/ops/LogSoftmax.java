package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y_i = x_i - m - log Σ_j e^(x_j - m)} along an axis (m the maximum: stable for any
 * logits); {@code dL/dx_i = dL/dy_i - softmax(x)_i Σ_j dL/dy_j}.
 */
public final class LogSoftmax extends Node {
    private final int axis;

    public LogSoftmax(int axis) {
        super("logSoftmax");
        this.axis = axis;
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        int[] shape = x[0].shape();
        Axes ax = Axes.around(shape, Axes.resolve(axis, shape));
        double[] d = x[0].data(), y = new double[d.length];
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < ax.inner(); i++) {
                int base = o * ax.n() * ax.inner() + i, st = ax.inner();
                double logZ = logSumExp(d, base, ax.n(), st);
                for (int j = 0; j < ax.n(); j++) y[base + j * st] = d[base + j * st] - logZ;
            }
        }
        return Tensor.wrap(y, shape);
    }

    /**
     * {@code log Σ_j e^(x_j)} of the n values {@code d[from + j·stride]}, computed as
     * {@code m + log Σ_j e^(x_j - m)} with m their maximum: no overflow for any logits. The one
     * copy of this loop: softmax, the fused cross-entropy and predicted probabilities use it too.
     */
    public static double logSumExp(double[] d, int from, int n, int stride) {
        double m = Double.NEGATIVE_INFINITY, s = 0;
        for (int j = 0; j < n; j++) m = Math.max(m, d[from + j * stride]);
        for (int j = 0; j < n; j++) s += Math.exp(d[from + j * stride] - m);
        return m + Math.log(s);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        int[] shape = x[0].shape();
        Axes ax = Axes.around(shape, Axes.resolve(axis, shape));
        double[] y = out.data(), dy = dout.data(), dx = new double[y.length];
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < ax.inner(); i++) {
                int base = o * ax.n() * ax.inner() + i, st = ax.inner();
                double total = 0;
                for (int j = 0; j < ax.n(); j++) total += dy[base + j * st];
                for (int j = 0; j < ax.n(); j++) {
                    dx[base + j * st] = dy[base + j * st] - Math.exp(y[base + j * st]) * total;
                }
            }
        }
        return new Tensor[] {Tensor.wrap(dx, shape)};
    }

    @Override
    public String attributes() {
        return "axis=" + axis;
    }
}
