package org.deeptoy.tensor;

/**
 * Float copies of A, B and C for {@link Blas#gemm(Precision, boolean, boolean, int, int, int, double, double[], double[], double, double[])},
 * kept per thread and grown as needed: an MNIST MLP step makes 15 products, and fresh arrays for
 * them were ~4 GB of allocation per epoch. Only that method uses them, and it does not call itself.
 */
final class FloatScratch {
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][0]);

    private FloatScratch() {}

    static float[] a(int size) {
        return fit(0, size);
    }

    static float[] b(int size) {
        return fit(1, size);
    }

    static float[] c(int size) {
        return fit(2, size);
    }

    private static float[] fit(int which, int size) {
        float[][] buffers = BUFFERS.get();
        if (buffers[which].length < size) buffers[which] = new float[size];
        return buffers[which];
    }
}
