package org.deeptoy.tensor;

/**
 * Matrix multiplication kernels: {@code C = alpha * op(A) * op(B) + beta * C} on row-major
 * {@code double[]} storage, where {@code op(X)} is X or its transpose. The hot path of training.
 *
 * <p>Two implementations: pure-Java EJML (always there) and native OpenBLAS (used where it loads).
 * {@link #current()} picks one: system property {@code deeptoy.blas} or environment variable
 * {@code DEEPTOY_BLAS} = {@code openblas} | {@code ejml}; by default OpenBLAS where it loads, else EJML
 * (saying why in one line on standard error). OpenBLAS's thread count: see {@link OpenBlas}.
 */
public interface Blas {

    /**
     * C[m x n] = alpha * op(A) * op(B) + beta * C, row-major, where op(A) is m x k and op(B) is k x n.
     * A is stored m x k (k x m when transA), B is k x n (n x k when transB). A and B are not modified.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, double[] b,
              double beta, double[] c);

    /**
     * The same product in float32 (see {@link Precision}). By default it is computed in double and
     * rounded; OpenBLAS overrides it with its float kernel, which is about twice as fast.
     */
    default void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                      float beta, float[] c) {
        double[] ad = new double[m * k], bd = new double[k * n], cd = new double[m * n];
        for (int i = 0; i < ad.length; i++) ad[i] = a[i];
        for (int i = 0; i < bd.length; i++) bd[i] = b[i];
        if (beta != 0) for (int i = 0; i < cd.length; i++) cd[i] = c[i];
        gemm(transA, transB, m, n, k, alpha, ad, bd, beta, cd);
        for (int i = 0; i < cd.length; i++) c[i] = (float) cd[i];
    }

    /**
     * The double product computed in {@code precision}: in FLOAT32 the operands are rounded to
     * float, multiplied by the float kernel and the result widened back into C (for the products
     * of training, see {@link Precision}). The float copies live in buffers kept per thread
     * ({@link FloatScratch}): the float kernel is handed arrays at least as long as the shapes need.
     */
    default void gemm(Precision precision, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      double[] a, double[] b, double beta, double[] c) {
        if (precision == Precision.FLOAT64) {
            gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }
        int sizeA = m * k, sizeB = k * n, sizeC = m * n;
        float[] af = FloatScratch.a(sizeA), bf = FloatScratch.b(sizeB), cf = FloatScratch.c(sizeC);
        for (int i = 0; i < sizeA; i++) af[i] = (float) a[i];
        for (int i = 0; i < sizeB; i++) bf[i] = (float) b[i];
        if (beta != 0) for (int i = 0; i < sizeC; i++) cf[i] = (float) c[i];
        gemm(transA, transB, m, n, k, (float) alpha, af, bf, (float) beta, cf);
        for (int i = 0; i < sizeC; i++) c[i] = cf[i];
    }

    /** A short name for messages and benchmarks: "ejml" or "openblas". */
    String name();

    static Blas current() {
        return BlasHolder.current;
    }

    /** Chooses the backend for this JVM: "ejml" or "openblas". */
    static void use(String name) {
        BlasHolder.current = BlasHolder.byName(name);
    }

    /** Uses {@code blas} for this JVM's matrix products, e.g. a wrapper that counts or times the calls. */
    static void use(Blas blas) {
        if (blas == null) throw new IllegalArgumentException("Blas.use: the backend is null; use Blas.use(\"openblas\") or \"ejml\"");
        BlasHolder.current = blas;
    }
}
