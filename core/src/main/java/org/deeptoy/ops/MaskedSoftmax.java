package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

/**
 * Softmax over the last axis where only the positions with mask 1 take part: {@code y_j = 0} where
 * {@code mask_j = 0}, else {@code e^(x_j) / Σ_{mask_i = 1} e^(x_i)} (as if masked scores were −∞);
 * {@code dL/dx_j = y_j (dL/dy_j - Σ_i dL/dy_i y_i)}, 0 at masked positions. The mask (0 or 1, a
 * constant) broadcasts to x, e.g. a causal mask [T, T] (query i sees keys j ≤ i, see {@link #causal})
 * over scores [B, T, T], or a padding mask [B, 1, T]. Each row needs at least one 1.
 */
public final class MaskedSoftmax extends Node {
    public MaskedSoftmax() {
        super("maskedSoftmax");
    }

    /** The causal mask [t, t]: 1 where key j ≤ query i (a position sees itself and the past). */
    public static Tensor causal(int t) {
        double[] m = new double[t * t];
        for (int i = 0; i < t; i++) for (int j = 0; j <= i; j++) m[i * t + j] = 1;
        return Tensor.wrap(m, t, t);
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        double[] s = x[0].data(), keep = mask(x[0], x[1]), y = new double[s.length];
        int n = x[0].dim(x[0].rank() - 1);
        for (int base = 0; base < s.length; base += n) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = base; j < base + n; j++) if (keep[j] != 0) max = Math.max(max, s[j]);
            if (max == Double.NEGATIVE_INFINITY) {
                throw error("row " + java.util.Arrays.toString(Shapes.unravel(base, x[0].shape())) + " of the scores "
                        + shape(x[0]) + " is masked out entirely (mask " + shape(x[1]) + "): each row needs a 1 to attend to");
            }
            double z = 0;
            for (int j = base; j < base + n; j++) if (keep[j] != 0) z += y[j] = Math.exp(s[j] - max);
            for (int j = base; j < base + n; j++) y[j] /= z;
        }
        return Tensor.wrap(y, x[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        double[] y = out.data(), dy = dout.data(), dx = new double[y.length];
        int n = x[0].dim(x[0].rank() - 1);
        for (int base = 0; base < y.length; base += n) {
            double dot = 0;
            for (int j = base; j < base + n; j++) dot += dy[j] * y[j];
            for (int j = base; j < base + n; j++) dx[j] = y[j] * (dy[j] - dot);
        }
        return new Tensor[] {Tensor.wrap(dx, x[0].shape()), null};
    }

    /** The mask broadcast to the scores' shape, checked to hold only 0 and 1. */
    private double[] mask(Tensor scores, Tensor mask) {
        if (scores.rank() == 0) throw error("needs scores with at least one axis but got a scalar");
        if (!Shapes.broadcastsTo(mask.shape(), scores.shape())) {
            throw error("the mask " + shape(mask) + " does not broadcast to the scores " + shape(scores)
                    + " (each size must equal the scores' or be 1, comparing from the last axis)");
        }
        for (double v : mask.data()) {
            if (v != 0 && v != 1) throw error("the mask holds " + v + "; it must hold only 0 (hidden) and 1 (seen)");
        }
        return Shapes.expand(mask, scores.shape()).data();
    }
}
