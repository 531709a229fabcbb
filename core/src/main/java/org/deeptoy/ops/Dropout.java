package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/**
 * Inverted dropout with drop probability p. Training: {@code y = x · m / (1 - p)} with a fresh mask
 * m of 0s (probability p) and 1s per pass, so the expected value of y is x;
 * {@code dL/dx = dL/dy · m / (1 - p)}. Inference: {@code y = x}, {@code dL/dx = dL/dy}.
 */
public final class Dropout extends Node {
    private final double p;

    public Dropout(double p) {
        super("dropout");
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout: p is the probability to drop a unit, in [0, 1); got " + p);
        this.p = p;
    }

    /** Inference: the identity. */
    @Override
    protected Tensor forward(Tensor[] x) {
        return x[0];
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {dy};
    }

    @Override
    protected Tensor forward(Tensor[] x, Pass pass) {
        if (!pass.training()) return forward(x);
        double[] in = x[0].data(), scale = new double[in.length], out = new double[in.length];
        Random r = pass.random();
        double keep = 1 / (1 - p);
        for (int i = 0; i < in.length; i++) {
            scale[i] = r.nextDouble() < p ? 0 : keep;
            out[i] = in[i] * scale[i];
        }
        pass.keep(this, scale);
        return Tensor.wrap(out, x[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        if (!pass.training()) return backward(x, y, dy, need);
        double[] scale = pass.kept(this), g = dy.data(), dx = new double[g.length];
        for (int i = 0; i < g.length; i++) dx[i] = g[i] * scale[i];
        return new Tensor[] {Tensor.wrap(dx, x[0].shape())};
    }

    @Override
    public boolean dependsOnMode() {
        return true;
    }

    @Override
    public String attributes() {
        return "p=" + p;
    }
}
