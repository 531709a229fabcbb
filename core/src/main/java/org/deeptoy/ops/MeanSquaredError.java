package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * {@code L = (1/N) Σ (p - t)²} over all N elements;  {@code dL/dp = 2(p - t)/N}, {@code dL/dt = -dL/dp}.
 */
public final class MeanSquaredError extends Node {
    public MeanSquaredError() {
        super("meanSquaredError");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        check(x);
        double[] p = x[0].data(), t = x[1].data();
        double s = 0;
        for (int i = 0; i < p.length; i++) s += (p[i] - t[i]) * (p[i] - t[i]);
        return Tensor.scalar(s / p.length);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        double[] p = x[0].data(), t = x[1].data(), dp = new double[p.length];
        double g = 2 * dout.item() / p.length;
        for (int i = 0; i < p.length; i++) dp[i] = g * (p[i] - t[i]);
        Tensor[] dx = new Tensor[2];
        if (need[0]) dx[0] = Tensor.wrap(dp, x[0].shape());
        if (need[1]) {
            double[] dt = new double[p.length];
            for (int i = 0; i < p.length; i++) dt[i] = -dp[i];
            dx[1] = Tensor.wrap(dt, x[1].shape());
        }
        return dx;
    }

    private void check(Tensor[] x) {
        if (!Arrays.equals(x[0].shape(), x[1].shape())) {
            throw error("predictions " + shape(x[0]) + " and targets " + shape(x[1]) + " must have the same shape");
        }
    }
}
