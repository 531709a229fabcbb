package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Parallel;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * An element-wise function y = f(a, b) with numpy broadcasting. A subclass gives f and the
 * partial derivatives; backward returns gradients in y's shape and the engine sums them back to
 * each input's shape (the reverse of broadcasting).
 *
 * <p>Speed: when one input is the output's shape and the other repeats one block of values (same
 * shape, a scalar, a bias [k] against [n, k], a per-channel [C, 1, 1] against [N, C, H, W]),
 * forward walks plain loops through {@link #vv}, {@link #vs} and {@link #sv}, which subclasses
 * override with loops the JIT can inline and vectorise; other broadcasts use an index map
 * ({@link #forwardGeneric}). Both give the same values.
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

    /** {@code y[yo + k] = f(a[ao + k], b[bo + k])} for k &lt; n. */
    void vv(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = f(a[ao + k], b[bo + k]);
    }

    /** {@code y[yo + k] = f(a[ao + k], b)} for k &lt; n. */
    void vs(double[] a, int ao, double b, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = f(a[ao + k], b);
    }

    /** {@code y[yo + k] = f(a, b[bo + k])} for k &lt; n. */
    void sv(double a, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = f(a, b[bo + k]);
    }

    /** Values per part ({@link Parallel}) of the loops below. */
    private static final int GRAIN = 65536;

    @Override
    protected Tensor forward(Tensor[] in) {
        int[] shape = outShape(in[0], in[1]);
        double[] a = in[0].data(), b = in[1].data(), y = new double[Shapes.size(shape)];
        int n = y.length;
        int[] blk;
        if (a.length == n && b.length == n) {
            Parallel.run(n, GRAIN, (part, from, to) -> vv(a, from, b, from, y, from, to - from));
        } else if (a.length == n && (blk = Shapes.blockBroadcast(in[1].shape(), shape)) != null) { // e.g. x·W + b
            int mid = blk[1], inner = blk[2];
            Parallel.run(blk[0], Math.max(1, GRAIN / (mid * inner)), (part, o0, o1) -> {
                for (int o = o0, pos = o0 * mid * inner; o < o1; o++) {
                    if (inner == 1) {
                        vv(a, pos, b, 0, y, pos, mid);
                        pos += mid;
                    } else {
                        for (int m = 0; m < mid; m++, pos += inner) vs(a, pos, b[m], y, pos, inner);
                    }
                }
            });
        } else if (b.length == n && (blk = Shapes.blockBroadcast(in[0].shape(), shape)) != null) {
            int mid = blk[1], inner = blk[2];
            Parallel.run(blk[0], Math.max(1, GRAIN / (mid * inner)), (part, o0, o1) -> {
                for (int o = o0, pos = o0 * mid * inner; o < o1; o++) {
                    if (inner == 1) {
                        vv(a, 0, b, pos, y, pos, mid);
                        pos += mid;
                    } else {
                        for (int m = 0; m < mid; m++, pos += inner) sv(a[m], b, pos, y, pos, inner);
                    }
                }
            });
        } else {
            return forwardGeneric(in);
        }
        return Tensor.wrap(y, shape);
    }

    /** Forward through index maps, for any broadcast (the reference the loops above must match). */
    Tensor forwardGeneric(Tensor[] in) {
        int[] shape = outShape(in[0], in[1]);
        double[] a = in[0].data(), b = in[1].data(), y = new double[Shapes.size(shape)];
        int[] ia = Shapes.broadcastIndex(in[0].shape(), shape), ib = Shapes.broadcastIndex(in[1].shape(), shape);
        for (int i = 0; i < y.length; i++) y[i] = f(a[ia[i]], b[ib[i]]);
        return Tensor.wrap(y, shape);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        int[] shape = out.shape();
        int n = out.size();
        double[] a = in[0].data(), b = in[1].data();
        int[] blkA = a.length == n ? null : Shapes.blockBroadcast(in[0].shape(), shape);
        int[] blkB = b.length == n ? null : Shapes.blockBroadcast(in[1].shape(), shape);
        if ((a.length != n && blkA == null) || (b.length != n && blkB == null) || (blkA != null && blkB != null)) {
            return backwardGeneric(in, out, dout, need);
        }
        // At most one input repeats a block; walk the output as [outer, mid, inner] of that block.
        int[] blk = blkA != null ? blkA : blkB != null ? blkB : new int[] {1, n, 1};
        boolean aAt = blkA == null && blkB != null, bAt = blkB == null && blkA != null; // indexed by position, not block
        double[] y = out.data(), dy = dout.data();
        Tensor[] dx = new Tensor[2];
        for (int which = 0; which < 2; which++) {
            if (!need[which]) continue;
            double[] d = new double[n];
            int pos = 0, mid = blk[1], inner = blk[2];
            for (int o = 0; o < blk[0]; o++) {
                for (int m = 0; m < mid; m++) {
                    for (int end = pos + inner; pos < end; pos++) {
                        double av = a[aAt ? pos : m], bv = b[bAt ? pos : m];
                        d[pos] = dy[pos] * (which == 0 ? dfa(av, bv, y[pos]) : dfb(av, bv, y[pos]));
                    }
                }
            }
            dx[which] = Tensor.wrap(d, shape);
        }
        return dx;
    }

    /** Backward through index maps, for any broadcast (the reference the loops above must match). */
    Tensor[] backwardGeneric(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        int[] shape = out.shape();
        double[] a = in[0].data(), b = in[1].data(), y = out.data(), dy = dout.data();
        int[] ia = Shapes.broadcastIndex(in[0].shape(), shape), ib = Shapes.broadcastIndex(in[1].shape(), shape);
        Tensor[] dx = new Tensor[2];
        if (need[0]) {
            double[] da = new double[y.length];
            for (int i = 0; i < y.length; i++) da[i] = dy[i] * dfa(a[ia[i]], b[ib[i]], y[i]);
            dx[0] = Tensor.wrap(da, shape);
        }
        if (need[1]) {
            double[] db = new double[y.length];
            for (int i = 0; i < y.length; i++) db[i] = dy[i] * dfb(a[ia[i]], b[ib[i]], y[i]);
            dx[1] = Tensor.wrap(db, shape);
        }
        return dx;
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
