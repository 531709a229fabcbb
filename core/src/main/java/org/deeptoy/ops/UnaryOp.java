package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * An element-wise function y = f(x). A subclass gives f and its derivative dy/dx (which may use
 * the already computed y, e.g. exp and sigmoid); backward is dL/dx = dL/dy * dy/dx.
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
        for (int i = 0; i < x.length; i++) y[i] = f(x[i]);
        return Tensor.wrap(y, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        double[] x = in[0].data(), y = out.data(), dy = dout.data(), dx = new double[x.length];
        for (int i = 0; i < x.length; i++) dx[i] = dy[i] * df(x[i], y[i]);
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}
