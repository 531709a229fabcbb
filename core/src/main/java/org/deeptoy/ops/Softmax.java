package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y_i = e^(x_i - log Σ_j e^(x_j))} along an axis, the log-sum-exp taken stably (so logits of
 * 1000 give no overflow, see {@link LogSoftmax#logSumExp}); {@code dL/dx_i = y_i (dL/dy_i - Σ_j dL/dy_j y_j)}.
 */
public final class Softmax extends Node {
    private final int axis;

    public Softmax(int axis) {
        super("softmax");
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
                double logZ = LogSoftmax.logSumExp(d, base, ax.n(), st);
                for (int j = 0; j < ax.n(); j++) y[base + j * st] = Math.exp(d[base + j * st] - logZ);
            }
        }
        return Tensor.wrap(y, shape);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        int[] shape = x[0].shape();
        Axes ax = Axes.around(shape, Axes.resolve(axis, shape));
        double[] y = out.data(), dy = dout.data(), dx = new double[y.length];
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < ax.inner(); i++) {
                int base = o * ax.n() * ax.inner() + i, st = ax.inner();
                double dot = 0;
                for (int j = 0; j < ax.n(); j++) dot += dy[base + j * st] * y[base + j * st];
                for (int j = 0; j < ax.n(); j++) dx[base + j * st] = y[base + j * st] * (dy[base + j * st] - dot);
            }
        }
        return new Tensor[] {Tensor.wrap(dx, shape)};
    }

    @Override
    public String attributes() {
        return "axis=" + axis;
    }
}
