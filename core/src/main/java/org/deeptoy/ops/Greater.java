package org.deeptoy.ops;

/**
 * {@code y = 1 where a > b, else 0} (element-wise, broadcasting): numpy's {@code a > b} as numbers, a mask
 * to multiply with. A step is flat on both sides, so no gradient passes through it (0 for a and b).
 */
public final class Greater extends BinaryOp {
    public Greater() {
        super("greater");
    }

    @Override
    double f(double a, double b) {
        return a > b ? 1 : 0;
    }

    @Override
    double dfa(double a, double b, double y) {
        return 0;
    }

    @Override
    double dfb(double a, double b, double y) {
        return 0;
    }
}
