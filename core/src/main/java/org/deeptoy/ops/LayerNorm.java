package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;

/**
 * Layer normalization of x [..., D] over its last axis, each row on its own, with scale γ and shift β [D]:
 * <pre>
 * μ, σ² = mean and variance of the row;  x̂ = (x - μ) / √(σ² + ε);  y = γ x̂ + β
 * dL/dx = 1/(D √(σ² + ε)) · (D g - Σ g - x̂ Σ g x̂)   with g = γ dy, sums over the row
 * dL/dγ = Σ dy x̂,   dL/dβ = Σ dy   (sums over all rows)
 * </pre>
 * The same in training and inference (no running statistics, unlike batch norm).
 */
public final class LayerNorm extends Node {
    private final double epsilon;

    public LayerNorm(double epsilon) {
        super("layerNorm");
        this.epsilon = epsilon;
    }

    /** x̂ and 1/√(σ² + ε) per row. */
    private record Normalized(double[] xhat, double[] invStd, int rows, int d) {}

    @Override
    protected Tensor forward(Tensor[] x) {
        Normalized z = normalize(x);
        double[] gamma = x[1].data(), beta = x[2].data(), y = new double[z.xhat.length];
        for (int r = 0, i = 0; r < z.rows; r++) {
            for (int j = 0; j < z.d; j++, i++) y[i] = gamma[j] * z.xhat[i] + beta[j];
        }
        return Tensor.wrap(y, x[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dout, boolean[] need) {
        Normalized z = normalize(x);
        double[] gamma = x[1].data(), dy = dout.data(), xh = z.xhat;
        double[] dx = new double[xh.length], dgamma = new double[z.d], dbeta = new double[z.d];
        for (int r = 0; r < z.rows; r++) {
            int base = r * z.d;
            double sumG = 0, sumGx = 0;
            for (int j = 0; j < z.d; j++) {
                double g = gamma[j] * dy[base + j];
                sumG += g;
                sumGx += g * xh[base + j];
                dgamma[j] += dy[base + j] * xh[base + j];
                dbeta[j] += dy[base + j];
            }
            double k = z.invStd[r] / z.d;
            for (int j = 0; j < z.d; j++) {
                dx[base + j] = k * (z.d * gamma[j] * dy[base + j] - sumG - xh[base + j] * sumGx);
            }
        }
        return new Tensor[] {
            need[0] ? Tensor.wrap(dx, x[0].shape()) : null,
            need[1] ? Tensor.wrap(dgamma, x[1].shape()) : null,
            need[2] ? Tensor.wrap(dbeta, x[2].shape()) : null
        };
    }

    @Override
    public String attributes() {
        return "ε=" + epsilon;
    }

    private Normalized normalize(Tensor[] x) {
        Tensor in = x[0];
        if (in.rank() == 0) throw error("needs at least one axis to normalize over but got a scalar");
        int d = in.dim(in.rank() - 1);
        for (int i = 1; i <= 2; i++) {
            if (x[i].rank() != 1 || x[i].dim(0) != d) {
                throw error((i == 1 ? "γ" : "β") + " has shape " + shape(x[i]) + " but x " + shape(in)
                        + " needs [" + d + "] (one value per element of the last axis)");
            }
        }
        int rows = in.size() / Math.max(d, 1);
        double[] v = in.data(), xhat = new double[v.length], invStd = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * d;
            double mean = 0, var = 0;
            for (int j = 0; j < d; j++) mean += v[base + j];
            mean /= d;
            for (int j = 0; j < d; j++) var += (v[base + j] - mean) * (v[base + j] - mean);
            invStd[r] = 1 / Math.sqrt(var / d + epsilon);
            for (int j = 0; j < d; j++) xhat[base + j] = (v[base + j] - mean) * invStd[r];
        }
        return new Normalized(xhat, invStd, rows, d);
    }
}
