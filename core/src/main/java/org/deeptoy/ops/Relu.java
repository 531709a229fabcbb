package org.deeptoy.ops;

/** {@code y = max(x, 0)};  {@code dL/dx = dL/dy where x > 0, else 0} (0 at x = 0, as PyTorch). */
public final class Relu extends UnaryOp {
    public Relu() {
        super("relu");
    }

    @Override
    double f(double x) {
        return x > 0 ? x : 0;
    }

    @Override
    double df(double x, double y) {
        return x > 0 ? 1 : 0;
    }
}
