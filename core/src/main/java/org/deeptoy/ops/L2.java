package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * L2 regularization (weight decay): {@code R = λ Σ_k Σ w_k²} over every given tensor;
 * {@code dR/dw = 2λ w}. Added to a loss, it pulls weights towards zero.
 */
public final class L2 extends Node {
    private final double lambda;

    public L2(double lambda) {
        super("l2");
        this.lambda = lambda;
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        double s = 0;
        for (Tensor w : x) for (double v : w.data()) s += v * v;
        return Tensor.scalar(lambda * s);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        double g = 2 * lambda * dout.item();
        Tensor[] dx = new Tensor[x.length];
        for (int k = 0; k < x.length; k++) {
            if (!need[k]) continue;
            double[] w = x[k].data(), dw = new double[w.length];
            for (int i = 0; i < w.length; i++) dw[i] = g * w[i];
            dx[k] = Tensor.wrap(dw, x[k].shape());
        }
        return dx;
    }

    @Override
    public String attributes() {
        return "λ=" + lambda;
    }
}
