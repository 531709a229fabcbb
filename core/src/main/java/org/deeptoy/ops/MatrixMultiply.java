package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;

/**
 * {@code Y = A · B} for A [m, k] and B [k, n];
 * {@code dL/dA = dL/dY · Bᵀ,  dL/dB = Aᵀ · dL/dY}. The transposes are BLAS flags, not copies.
 * The products run in the pass's precision (float32 in training, see {@link Precision}).
 */
public final class MatrixMultiply extends Node {
    public MatrixMultiply() {
        super("matrixMultiply");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        return forward(x, Precision.FLOAT64);
    }

    @Override
    protected Tensor forward(Tensor[] x, Pass pass) {
        return forward(x, pass.precision());
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return backward(x, dy, need, Precision.FLOAT64);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        return backward(x, dy, need, pass.precision());
    }

    private Tensor forward(Tensor[] x, Precision precision) {
        Tensor a = x[0], b = x[1];
        if (a.rank() != 2 || b.rank() != 2) {
            throw error("needs two matrices (2 axes each) but got shapes " + shape(a) + " and " + shape(b)
                    + (a.rank() == 1 || b.rank() == 1 ? "; reshape a vector to [n, 1] or [1, n] first" : ""));
        }
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        if (b.dim(0) != k) {
            throw error("inner dimensions differ: " + shape(a) + " x " + shape(b)
                    + " (the columns of the first must equal the rows of the second)");
        }
        double[] y = new double[m * n];
        Blas.current().gemm(precision, false, false, m, n, k, 1, a.data(), b.data(), 0, y);
        return Tensor.wrap(y, m, n);
    }

    private static Tensor[] backward(Tensor[] x, Tensor dy, boolean[] need, Precision precision) {
        Tensor a = x[0], b = x[1];
        int m = a.dim(0), k = a.dim(1), n = b.dim(1);
        Tensor[] dx = new Tensor[2];
        if (need[0]) {
            double[] da = new double[m * k];
            Blas.current().gemm(precision, false, true, m, k, n, 1, dy.data(), b.data(), 0, da);
            dx[0] = Tensor.wrap(da, m, k);
        }
        if (need[1]) {
            double[] db = new double[k * n];
            Blas.current().gemm(precision, true, false, k, n, m, 1, a.data(), dy.data(), 0, db);
            dx[1] = Tensor.wrap(db, k, n);
        }
        return dx;
    }
}
