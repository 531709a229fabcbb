package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * An element-wise function y = f(a, b) with numpy broadcasting. A subclass gives f and the
 * partial derivatives; backward returns gradients in y's shape and the engine sums them back to
 * each input's shape (the reverse of broadcasting).
 */
abstract class BinaryOp extends Node {
    BinaryOp(String op) {
        super(op);
    }

    abstract double f(double a, double b);

    /** dy/da at (a, b), where y = f(a, b). */
    abstract double dfa(double a, double b, double y);

    /** dy/db at (a, b), where y = f(a, b). */
    abstract double dfb(double a, double b, double y);

    @Override
    protected Tensor forward(Tensor[] in) {
        int[] shape = outShape(in[0], in[1]);
        double[] a = in[0].data(), b = in[1].data(), y = new double[Shapes.size(shape)];
        int n = y.length, p;
        if (a.length == n && b.length == n) {
            for (int i = 0; i < n; i++) y[i] = f(a[i], b[i]);
        } else if (a.length == n && (p = Shapes.trailingBlock(in[1].shape(), shape)) > 0) { // e.g. x·W + b
            for (int o = 0; o < n; o += p) {
                for (int j = 0; j < p; j++) y[o + j] = f(a[o + j], b[j]);
            }
        } else if (b.length == n && (p = Shapes.trailingBlock(in[0].shape(), shape)) > 0) {
            for (int o = 0; o < n; o += p) {
                for (int j = 0; j < p; j++) y[o + j] = f(a[j], b[o + j]);
            }
        } else {
            int[] ia = Shapes.broadcastIndex(in[0].shape(), shape), ib = Shapes.broadcastIndex(in[1].shape(), shape);
            for (int i = 0; i < n; i++) y[i] = f(a[ia[i]], b[ib[i]]);
        }
        return Tensor.wrap(y, shape);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        int[] shape = out.shape();
        double[] a = in[0].data(), b = in[1].data(), y = out.data(), dy = dout.data();
        int[] ia = indexOrNull(in[0], shape), ib = indexOrNull(in[1], shape); // null: same layout as y
        Tensor[] dx = new Tensor[2];
        if (need[0]) {
            double[] da = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                da[i] = dy[i] * dfa(a[ia == null ? i : ia[i]], b[ib == null ? i : ib[i]], y[i]);
            }
            dx[0] = Tensor.wrap(da, shape);
        }
        if (need[1]) {
            double[] db = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                db[i] = dy[i] * dfb(a[ia == null ? i : ia[i]], b[ib == null ? i : ib[i]], y[i]);
            }
            dx[1] = Tensor.wrap(db, shape);
        }
        return dx;
    }

    private static int[] indexOrNull(Tensor x, int[] shape) {
        return x.size() == Shapes.size(shape) ? null : Shapes.broadcastIndex(x.shape(), shape);
    }

    private int[] outShape(Tensor a, Tensor b) {
        if (Arrays.equals(a.shape(), b.shape())) return a.shape();
        int[] s = Shapes.broadcast(a.shape(), b.shape());
        if (s == null) {
            throw error("shapes " + shape(a) + " and " + shape(b) + " cannot be broadcast together "
                    + "(sizes must match or be 1, comparing from the last axis)");
        }
        return s;
    }
}
