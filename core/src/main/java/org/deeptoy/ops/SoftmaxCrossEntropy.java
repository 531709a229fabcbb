package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * Mean cross-entropy of softmax(z) against the targets t, fused so that it never takes the log of
 * a rounded-to-zero probability: {@code L = -(1/n) Σ_i Σ_k t_ik (z_ik - m_i - log Σ_j e^(z_ij - m_i))}
 * with m_i the row maximum. Backward is the famous {@code dL/dz = (softmax(z) - t) / n}.
 * Labels are class indices {@code [n]} (t one-hot) or target rows {@code [n, k]}.
 */
public final class SoftmaxCrossEntropy extends Node {
    public SoftmaxCrossEntropy() {
        super("softmaxCrossEntropy");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor z = x[0];
        double[] logp = logSoftmax(z);
        int n = z.dim(0), k = z.dim(1);
        double loss = 0;
        if (Labels.areRows(z, x[1])) {
            double[] t = x[1].data();
            for (int i = 0; i < n * k; i++) if (t[i] != 0) loss -= t[i] * logp[i];
        } else {
            int[] y = Labels.indices(describe(), z, x[1]);
            for (int i = 0; i < n; i++) loss -= logp[i * k + y[i]];
        }
        return Tensor.scalar(loss / n);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor out, Tensor dout, boolean[] need) {
        Tensor z = x[0];
        int n = z.dim(0), k = z.dim(1);
        double scale = dout.item() / n;
        double[] logp = logSoftmax(z);
        boolean rows = Labels.areRows(z, x[1]);
        Tensor[] dx = new Tensor[2];
        if (need[0]) {
            double[] dz = new double[n * k];
            for (int i = 0; i < dz.length; i++) dz[i] = Math.exp(logp[i]);
            if (rows) {
                double[] t = x[1].data();
                for (int i = 0; i < dz.length; i++) dz[i] -= t[i];
            } else {
                int[] y = Labels.indices(describe(), z, x[1]);
                for (int i = 0; i < n; i++) dz[i * k + y[i]] -= 1;
            }
            for (int i = 0; i < dz.length; i++) dz[i] *= scale;
            dx[0] = Tensor.wrap(dz, z.shape());
        }
        if (need[1] && rows) {
            // Targets given as rows have a gradient too: dL/dt = -log softmax(z) / n.
            double[] dt = new double[n * k];
            for (int i = 0; i < dt.length; i++) dt[i] = -logp[i] * scale;
            dx[1] = Tensor.wrap(dt, z.shape());
        }
        return dx;
    }

    /** Row-wise log softmax of a [n, k] matrix, stable for any logits. */
    private double[] logSoftmax(Tensor z) {
        if (z.rank() != 2) throw error("logits must be [examples, classes], got " + shape(z));
        int n = z.dim(0), k = z.dim(1);
        double[] d = z.data(), out = new double[d.length];
        for (int i = 0; i < n; i++) {
            int o = i * k;
            double logZ = LogSoftmax.logSumExp(d, o, k, 1);
            for (int j = 0; j < k; j++) out[o + j] = d[o + j] - logZ;
        }
        return out;
    }
}
