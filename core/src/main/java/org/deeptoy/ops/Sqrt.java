package org.deeptoy.ops;

/** {@code y = √x};  {@code dL/dx = dL/dy / (2√x)}. */
public final class Sqrt extends UnaryOp {
    public Sqrt() {
        super("sqrt");
    }

    @Override
    double f(double x) {
        return Math.sqrt(x);
    }

    @Override
    double df(double x, double y) {
        return 0.5 / y;
    }
}
