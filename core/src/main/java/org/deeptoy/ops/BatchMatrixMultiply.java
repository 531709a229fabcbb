package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * One matrix product per batch entry: {@code Y[b] = A[b] · B[b]} for A [..., m, k] and B [..., k, n]
 * with the same leading axes (e.g. [B, T, D] x [B, D, T] gives [B, T, T]);
 * {@code dL/dA[b] = dL/dY[b] · B[b]ᵀ,  dL/dB[b] = A[b]ᵀ · dL/dY[b]}. In the pass's precision, as
 * {@link MatrixMultiply}.
 */
public final class BatchMatrixMultiply extends Node {
    public BatchMatrixMultiply() {
        super("batchMatrixMultiply");
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

    /** The sizes of one product and how many there are. */
    private record Dims(int batch, int m, int k, int n) {}

    private Dims dims(Tensor a, Tensor b) {
        int r = a.rank();
        if (r < 3 || b.rank() != r) {
            throw error("needs two stacks of matrices with the same number of axes (at least 3, e.g. [B, T, D] and"
                    + " [B, D, T]) but got shapes " + shape(a) + " and " + shape(b)
                    + (r == 2 && b.rank() == 2 ? "; for two matrices use matrixMultiply" : ""));
        }
        int[] sa = a.shape(), sb = b.shape();
        if (!Arrays.equals(sa, 0, r - 2, sb, 0, r - 2)) {
            throw error("the leading (batch) axes differ: " + shape(a) + " x " + shape(b)
                    + " (all but the last two sizes must be equal)");
        }
        if (sa[r - 1] != sb[r - 2]) {
            throw error("inner dimensions differ: " + shape(a) + " x " + shape(b)
                    + " (the last size of the first must equal the second-last of the second)");
        }
        int batch = 1;
        for (int i = 0; i < r - 2; i++) batch *= sa[i];
        return new Dims(batch, sa[r - 2], sa[r - 1], sb[r - 1]);
    }

    private Tensor forward(Tensor[] x, Precision precision) {
        Tensor a = x[0], b = x[1];
        Dims d = dims(a, b);
        double[] y = new double[d.batch * d.m * d.n];
        products(precision, false, false, d.batch, d.m, d.n, d.k, a.data(), b.data(), y);
        int[] shape = a.shape();
        shape[shape.length - 1] = d.n;
        return Tensor.wrap(y, shape);
    }

    private Tensor[] backward(Tensor[] x, Tensor dy, boolean[] need, Precision precision) {
        Tensor a = x[0], b = x[1];
        Dims d = dims(a, b);
        Tensor[] dx = new Tensor[2];
        if (need[0]) {
            double[] da = new double[a.size()];
            products(precision, false, true, d.batch, d.m, d.k, d.n, dy.data(), b.data(), da);
            dx[0] = Tensor.wrap(da, a.shape());
        }
        if (need[1]) {
            double[] db = new double[b.size()];
            products(precision, true, false, d.batch, d.k, d.n, d.m, a.data(), dy.data(), db);
            dx[1] = Tensor.wrap(db, b.shape());
        }
        return dx;
    }

    /** Products with fewer multiply-adds than this run as Java loops (see {@link #products}). */
    static final int SMALL = 32 * 32 * 32;

    /**
     * C[i] = op(A[i]) · op(B[i]) for each of the batch's products, each [m, n] with inner size k. Attention's
     * products are small and many ([T, d] x [d, T] per sequence and head): a BLAS call each costs more than
     * the arithmetic (and with two OpenBLAS threads on a busy machine, 10x more), so small ones run as loops
     * here, in float when the precision is FLOAT32; large ones go to BLAS.
     */
    private static void products(Precision precision, boolean transA, boolean transB, int batch, int m, int n, int k,
                                 double[] a, double[] b, double[] c) {
        if ((long) m * n * k < SMALL) {
            for (int i = 0; i < batch; i++) loops(precision, transA, transB, m, n, k, a, i * m * k, b, i * k * n, c, i * m * n);
            return;
        }
        double[] ai = new double[m * k], bi = new double[k * n], ci = new double[m * n];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(a, i * ai.length, ai, 0, ai.length);
            System.arraycopy(b, i * bi.length, bi, 0, bi.length);
            Blas.current().gemm(precision, transA, transB, m, n, k, 1, ai, bi, 0, ci);
            System.arraycopy(ci, 0, c, i * ci.length, ci.length);
        }
    }

    /** One small product C = op(A) · op(B) at the given offsets, summed in double or in float. */
    static void loops(Precision precision, boolean transA, boolean transB, int m, int n, int k,
                      double[] a, int offA, double[] b, int offB, double[] c, int offC) {
        boolean single = precision == Precision.FLOAT32;
        for (int r = 0; r < m; r++) {
            for (int col = 0; col < n; col++) {
                double sum = 0;
                float sumF = 0;
                for (int p = 0; p < k; p++) {
                    double x = a[offA + (transA ? p * m + r : r * k + p)], y = b[offB + (transB ? col * k + p : p * n + col)];
                    if (single) sumF += (float) x * (float) y;
                    else sum += x * y;
                }
                c[offC + r * n + col] = single ? sumF : sum;
            }
        }
    }
}
