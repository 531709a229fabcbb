package org.deeptoy.ops;

import org.deeptoy.tensor.Tensor;

/** {@code y = a - b} (broadcasting);  {@code dL/da = dL/dy,  dL/db = -dL/dy}. */
public final class Subtract extends BinaryOp {
    public Subtract() {
        super("subtract");
    }

    @Override
    double f(double a, double b) {
        return a - b;
    }

    @Override
    void vv(double[] a, int ao, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a[ao + k] - b[bo + k];
    }

    @Override
    void vs(double[] a, int ao, double b, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a[ao + k] - b;
    }

    @Override
    void sv(double a, double[] b, int bo, double[] y, int yo, int n) {
        for (int k = 0; k < n; k++) y[yo + k] = a - b[bo + k];
    }

    @Override
    double dfa(double a, double b, double y) {
        return 1;
    }

    @Override
    double dfb(double a, double b, double y) {
        return -1;
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        Tensor[] dx = super.backward(x, y, dy, new boolean[] {false, need[1]});
        dx[0] = need[0] ? dy : null;
        return dx;
    }
}
