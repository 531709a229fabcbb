package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y = x if x > 0, else slope·x};  {@code dL/dx = dL/dy where x > 0, else slope·dL/dy}.
 * A small slope (0.01) keeps a gradient flowing through units that relu would switch off for good.
 */
public final class LeakyRelu extends Node {
    private final double slope;

    public LeakyRelu(double slope) {
        super("leakyRelu");
        this.slope = slope;
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        double[] x = in[0].data(), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
        return Tensor.wrap(y, in[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        double[] x = in[0].data(), dy = dout.data(), dx = new double[x.length];
        for (int i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : slope * dy[i];
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }

    @Override
    public String attributes() {
        return "slope=" + slope;
    }
}
