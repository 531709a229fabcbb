package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Parallel;
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
        Parallel.run(x.length, GRAIN, (part, from, to) -> map(x, y, from, to));
        return Tensor.wrap(y, in[0].shape());
    }

    /** Values per part ({@link Parallel}): fewer cost more in handing over than they save. */
    private static final int GRAIN = 65536;

    /** {@code y[i] = f(x[i])} for i in [from, to). */
    void map(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = f(x[i]);
    }

    /** {@code dx[i] = dy[i] * df(x[i], y[i])} for i in [from, to). */
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] * df(x[i], y[i]);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        double[] x = in[0].data(), y = out.data(), dy = dout.data(), dx = new double[x.length];
        Parallel.run(x.length, GRAIN, (part, from, to) -> mapBackward(x, y, dy, dx, from, to));
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }
}
