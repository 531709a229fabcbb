package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * The multiclass SVM loss of Weston and Watkins with margin 1, averaged over the batch:
 * {@code L = (1/n) Σ_i Σ_{j≠y_i} max(0, s_ij - s_iy_i + 1)}. Backward: each violated margin
 * adds 1/n to dL/ds_ij and takes 1/n from dL/ds_iy_i.
 */
public final class MulticlassHinge extends Node {
    public MulticlassHinge() {
        super("multiclassHinge");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor s = x[0];
        int[] y = Labels.indices(describe(), s, x[1]);
        int n = s.dim(0), k = s.dim(1);
        double[] d = s.data();
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double correct = d[i * k + y[i]];
            for (int j = 0; j < k; j++) {
                if (j != y[i]) loss += Math.max(0, d[i * k + j] - correct + 1);
            }
        }
        return Tensor.scalar(loss / n);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        Tensor s = x[0];
        int[] y = Labels.indices(describe(), s, x[1]);
        int n = s.dim(0), k = s.dim(1);
        double[] d = s.data(), ds = new double[d.length];
        double g = dout.item() / n;
        for (int i = 0; i < n; i++) {
            double correct = d[i * k + y[i]];
            for (int j = 0; j < k; j++) {
                if (j != y[i] && d[i * k + j] - correct + 1 > 0) {
                    ds[i * k + j] += g;
                    ds[i * k + y[i]] -= g;
                }
            }
        }
        return new Tensor[] {need[0] ? Tensor.wrap(ds, s.shape()) : null, null};
    }
}
