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
    void vv(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a[ao + k] * b[bo + k];
    }

    @Override
    void vs(double[] a, int ao, double b, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a[ao + k] * b;
    }

    @Override
    void sv(double a, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a * b[bo + k];
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
