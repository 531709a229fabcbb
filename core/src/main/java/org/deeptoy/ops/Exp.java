package org.deeptoy.ops;

/** {@code y = e^x};  {@code dL/dx = dL/dy * y}. */
public final class Exp extends UnaryOp {
    public Exp() {
        super("exp");
    }

    @Override
    double f(double x) {
        return Math.exp(x);
    }

    @Override
    double df(double x, double y) {
        return y;
    }

    @Override
    void map(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.exp(x[i]);
    }

    @Override
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] * y[i];
    }
}
