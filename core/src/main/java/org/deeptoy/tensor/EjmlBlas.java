package org.deeptoy.tensor;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/** Pure-Java matrix multiplication on EJML, wrapping the storage (no copies). */
final class EjmlBlas implements Blas {

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, double[] b,
                     double beta, double[] c) {
        DMatrixRMaj A = transA ? DMatrixRMaj.wrap(k, m, a) : DMatrixRMaj.wrap(m, k, a);
        DMatrixRMaj B = transB ? DMatrixRMaj.wrap(n, k, b) : DMatrixRMaj.wrap(k, n, b);
        DMatrixRMaj C = DMatrixRMaj.wrap(m, n, c);
        if (beta == 0) {
            if (!transA && !transB) CommonOps_DDRM.mult(alpha, A, B, C);
            else if (transA && !transB) CommonOps_DDRM.multTransA(alpha, A, B, C);
            else if (!transA) CommonOps_DDRM.multTransB(alpha, A, B, C);
            else CommonOps_DDRM.multTransAB(alpha, A, B, C);
        } else {
            if (beta != 1) CommonOps_DDRM.scale(beta, C);
            if (!transA && !transB) CommonOps_DDRM.multAdd(alpha, A, B, C);
            else if (transA && !transB) CommonOps_DDRM.multAddTransA(alpha, A, B, C);
            else if (!transA) CommonOps_DDRM.multAddTransB(alpha, A, B, C);
            else CommonOps_DDRM.multAddTransAB(alpha, A, B, C);
        }
    }

    @Override
    public String name() {
        return "ejml";
    }
}
