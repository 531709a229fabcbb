package org.deeptoy.ops;

/** {@code y = x²};  {@code dL/dx = dL/dy * 2x}. */
public final class Square extends UnaryOp {
    public Square() {
        super("square");
    }

    @Override
    double f(double x) {
        return x * x;
    }

    @Override
    double df(double x, double y) {
        return 2 * x;
    }
}
