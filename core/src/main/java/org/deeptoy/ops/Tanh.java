package org.deeptoy.ops;

/** {@code y = tanh x};  {@code dL/dx = dL/dy * (1 - y²)}. */
public final class Tanh extends UnaryOp {
    public Tanh() {
        super("tanh");
    }

    @Override
    double f(double x) {
        return Math.tanh(x);
    }

    @Override
    double df(double x, double y) {
        return 1 - y * y;
    }

    @Override
    void map(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = Math.tanh(x[i]);
    }

    @Override
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
    }
}
