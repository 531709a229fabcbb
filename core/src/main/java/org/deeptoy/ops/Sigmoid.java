package org.deeptoy.ops;

/** {@code y = 1 / (1 + e^-x)};  {@code dL/dx = dL/dy * y(1 - y)}. Computed without overflow for large |x|. */
public final class Sigmoid extends UnaryOp {
    public Sigmoid() {
        super("sigmoid");
    }

    @Override
    double f(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    @Override
    double df(double x, double y) {
        return y * (1 - y);
    }

    @Override
    void map(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            // f's two branches with one exp and a select the JIT can make branch-free
            boolean up = x[i] >= 0;
            double e = Math.exp(up ? -x[i] : x[i]);
            y[i] = (up ? 1 : e) / (1 + e);
        }
    }

    @Override
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) dx[i] = dy[i] * (y[i] * (1 - y[i]));
    }
}
