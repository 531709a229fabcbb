package org.deeptoy.ops;

/** {@code y = a * b} (element-wise, broadcasting);  {@code dL/da = dL/dy * b,  dL/db = dL/dy * a}. */
public final class Multiply extends BinaryOp {
    public Multiply() {
        super("multiply");
    }

    @Override
    double f(double a, double b) {
        return a * b;
    }

    @Override
    double dfa(double a, double b, double y) {
        return b;
    }

    @Override
    double dfb(double a, double b, double y) {
        return a;
    }
}
