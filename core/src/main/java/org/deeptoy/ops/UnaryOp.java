package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * An element-wise function y = f(x). A subclass gives f and its derivative dy/dx (which may use
 * the already computed y, e.g. exp and sigmoid); backward is dL/dx = dL/dy * dy/dx.
 *
 * <p>Speed: the loops call f and df through the subclass, which the JIT cannot inline here (every
 * element-wise op shares this loop); the ops on a training step's hot path override
 * {@link #map} and {@link #mapBackward} with the same formulas as plain loops.
 */
abstract class UnaryOp extends Node {
    UnaryOp(String op) {
        super(op);
    }

    abstract double f(double x);

    /** dy/dx at x, where y = f(x). */
    abstract double df(double x, double y);

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] x = in[0].data(), y = new double[x.length];
        map(x, y);
        return Tensor.wrap(y, in[0].shape());
    }

    /** {@code y[i] = f(x[i])}. */
    void map(double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] = f(x[i]);
    }

    /** {@code dx[i] = dy[i] * df(x[i], y[i])}. */
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx) {
        for (int i = 0; i < x.length; i++) dx[i] = dy[i] * df(x[i], y[i]);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        double[] x = in[0].data(), y = out.data(), dy = dout.data(), dx = new double[x.length];
        mapBackward(x, y, dy, dx);
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}
