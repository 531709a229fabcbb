package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y = Σ_axis x} (over everything when no axis is given, giving a scalar);
 * {@code dL/dx = dL/dy} repeated along the summed axis.
 */
public class ReduceSum extends Node {
    private final Integer axis;
    private final boolean keepDims;

    public ReduceSum(Integer axis, boolean keepDims) {
        this("reduceSum", axis, keepDims);
    }

    ReduceSum(String op, Integer axis, boolean keepDims) {
        super(op);
        this.axis = axis;
        this.keepDims = keepDims;
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        return sum(x[0], 1.0);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {spread(x[0], dy, 1.0)};
    }

    @Override
    public String attributes() {
        return axis == null ? "" : "axis=" + axis + (keepDims ? ", keepDims" : "");
    }

    /** Σ_axis x times {@code scale} (Mean passes 1/n). */
    Tensor sum(Tensor x, double scale) {
        int[] shape = x.shape();
        double[] d = x.data();
        if (axis == null) {
            double s = 0;
            for (double v : d) s += v;
            int[] out = keepDims ? ones(shape.length) : new int[0];
            return Tensor.wrap(new double[] {s * scale}, out);
        }
        int a = Axes.resolve(axis, shape);
        Axes ax = Axes.around(shape, a);
        double[] y = new double[ax.outer() * ax.inner()];
        for (int o = 0; o < ax.outer(); o++) {
            for (int j = 0; j < ax.n(); j++) {
                int base = (o * ax.n() + j) * ax.inner();
                for (int i = 0; i < ax.inner(); i++) y[o * ax.inner() + i] += d[base + i];
            }
        }
        if (scale != 1) for (int i = 0; i < y.length; i++) y[i] *= scale;
        return Tensor.wrap(y, Axes.reduced(shape, a, keepDims));
    }

    /** dy (shaped like the reduced output) times {@code scale}, repeated back to x's shape. */
    Tensor spread(Tensor x, Tensor dy, double scale) {
        int[] shape = x.shape();
        double[] dx = new double[x.size()], g = dy.data();
        if (axis == null) {
            java.util.Arrays.fill(dx, g[0] * scale);
            return Tensor.wrap(dx, shape);
        }
        Axes ax = Axes.around(shape, Axes.resolve(axis, shape));
        for (int o = 0; o < ax.outer(); o++) {
            for (int j = 0; j < ax.n(); j++) {
                int base = (o * ax.n() + j) * ax.inner();
                for (int i = 0; i < ax.inner(); i++) dx[base + i] = g[o * ax.inner() + i] * scale;
            }
        }
        return Tensor.wrap(dx, shape);
    }

    int count(Tensor x) {
        return axis == null ? x.size() : x.shape()[Axes.resolve(axis, x.shape())];
    }

    private static int[] ones(int n) {
        int[] s = new int[n];
        java.util.Arrays.fill(s, 1);
        return s;
    }
}
