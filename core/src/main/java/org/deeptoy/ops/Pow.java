package org.deeptoy.ops;

/** {@code y = x^p} for a constant p;  {@code dL/dx = dL/dy * p x^(p-1)}. */
public final class Pow extends UnaryOp {
    private final double p;

    public Pow(double p) {
        super("pow");
        this.p = p;
    }

    @Override
    double f(double x) {
        return Math.pow(x, p);
    }

    @Override
    double df(double x, double y) {
        return p == 0 ? 0 : p * Math.pow(x, p - 1); // 0 * 0^-1 would be NaN at x = 0
    }

    @Override
    public String attributes() {
        return "p=" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p));
    }
}
