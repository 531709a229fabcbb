package org.deeptoy.ops;

/** {@code y = max(a, b)} (element-wise, broadcasting);  the gradient goes to {@code a} where {@code a >= b}, else to {@code b}: on a tie, {@code a} (the first argument) takes all of it. */
public final class Max extends BinaryOp {
    public Max() {
        super("max");
    }

    @Override
    double f(double a, double b) {
        return a >= b ? a : b;
    }

    @Override
    double dfa(double a, double b, double y) {
        return a >= b ? 1 : 0;
    }

    @Override
    double dfb(double a, double b, double y) {
        return a >= b ? 0 : 1;
    }
}
