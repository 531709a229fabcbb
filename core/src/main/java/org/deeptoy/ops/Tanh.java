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
}
