package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y = max_axis x} (over everything when no axis is given, giving a scalar);
 * {@code dL/dx = dL/dy} at the largest value of each slice (the first one on a tie), 0 elsewhere.
 */
public final class ReduceMax extends Node {
    private final Integer axis;
    private final boolean keepDims;

    public ReduceMax(Integer axis, boolean keepDims) {
        super("reduceMax");
        this.axis = axis;
        this.keepDims = keepDims;
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        double[] d = x[0].data();
        int[] at = argmax(x[0]);
        double[] y = new double[at.length];
        for (int o = 0; o < at.length; o++) y[o] = d[at[o]];
        return Tensor.wrap(y, outShape(x[0].shape()));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        int[] at = argmax(x[0]);
        double[] dx = new double[x[0].size()], g = dy.data();
        for (int o = 0; o < at.length; o++) dx[at[o]] += g[o];
        return new Tensor[] {Tensor.wrap(dx, x[0].shape())};
    }

    @Override
    public String attributes() {
        return axis == null ? "" : "axis=" + axis + (keepDims ? ", keepDims" : "");
    }

    /** For each output element, the flat index in x of the largest value of its slice. */
    private int[] argmax(Tensor x) {
        double[] d = x.data();
        if (d.length == 0) throw new IllegalArgumentException("x has no values, so it has no largest one");
        if (axis == null) {
            int best = 0;
            for (int i = 1; i < d.length; i++) if (d[i] > d[best]) best = i;
            return new int[] {best};
        }
        Axes ax = Axes.around(x.shape(), Axes.resolve(axis, x.shape()));
        int[] at = new int[ax.outer() * ax.inner()];
        for (int o = 0; o < ax.outer(); o++) {
            for (int i = 0; i < ax.inner(); i++) {
                int best = o * ax.n() * ax.inner() + i;
                for (int j = 1; j < ax.n(); j++) {
                    int k = (o * ax.n() + j) * ax.inner() + i;
                    if (d[k] > d[best]) best = k;
                }
                at[o * ax.inner() + i] = best;
            }
        }
        return at;
    }

    private int[] outShape(int[] shape) {
        if (axis != null) return Axes.reduced(shape, Axes.resolve(axis, shape), keepDims);
        int[] out = new int[keepDims ? shape.length : 0];
        java.util.Arrays.fill(out, 1);
        return out;
    }
}
