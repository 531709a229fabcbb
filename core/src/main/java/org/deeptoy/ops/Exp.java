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
}
