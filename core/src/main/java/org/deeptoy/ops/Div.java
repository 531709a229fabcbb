package org.deeptoy.ops;

/** {@code y = a / b} (element-wise, broadcasting);  {@code dL/da = dL/dy / b,  dL/db = -dL/dy * a / b²}. */
public final class Div extends BinaryOp {
    public Div() {
        super("div");
    }

    @Override
    double f(double a, double b) {
        return a / b;
    }

    @Override
    double dfa(double a, double b, double y) {
        return 1 / b;
    }

    @Override
    double dfb(double a, double b, double y) {
        return -a / (b * b);
    }
}
