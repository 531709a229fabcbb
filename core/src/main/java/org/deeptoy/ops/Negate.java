package org.deeptoy.ops;

/** {@code y = -x};  {@code dL/dx = -dL/dy}. */
public final class Negate extends UnaryOp {
    public Negate() {
        super("negate");
    }

    @Override
    double f(double x) {
        return -x;
    }

    @Override
    double df(double x, double y) {
        return -1;
    }
}
