package org.deeptoy.ops;

/** {@code y = ln x};  {@code dL/dx = dL/dy / x}. {@code log(0)} is {@code -infinity}, caught by the finite check. */
public final class Log extends UnaryOp {
    public Log() {
        super("log");
    }

    @Override
    double f(double x) {
        return Math.log(x);
    }

    @Override
    double df(double x, double y) {
        return 1 / x;
    }
}
