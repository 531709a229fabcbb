package org.deeptoy.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BlasTest {
    /** m, n, k: degenerate, vector-like, odd non-square and MLP-like shapes. */
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 9, 1}, {1, 1, 9}, {1, 6, 11}, {8, 1, 5}, {7, 5, 13}, {13, 7, 5}, {33, 17, 65}, {64, 10, 129},
    };

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String backend : new String[] {"ejml", "openblas"}) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    all.add(Arguments.of(backend, t >= 2, t % 2 == 1, s[0], s[1], s[2]));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5}")
    @MethodSource("cases")
    void gemmMatchesTripleLoopForEveryTransposeAlphaAndBeta(String backend, boolean ta, boolean tb, int m, int n, int k) {
        Blas blas = BlasHolder.byName(backend);
        Random r = new Random(31L * m + 7L * n + k + (ta ? 1000 : 0) + (tb ? 2000 : 0));
        double[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
        double[][] alphaBeta = {{1, 0}, {1, 1}, {-0.5, 2.5}, {0, 3}};
        for (double[] ab : alphaBeta) {
            double[] c = c0.clone(), aCopy = a.clone(), bCopy = b.clone();
            blas.gemm(ta, tb, m, n, k, ab[0], a, b, ab[1], c);
            double[] want = naive(ta, tb, m, n, k, ab[0], a, b, ab[1], c0);
            for (int i = 0; i < c.length; i++) {
                assertEquals(want[i], c[i], 1e-12 * (1 + Math.abs(want[i])) * k,
                        backend + " alpha=" + ab[0] + " beta=" + ab[1] + " at " + i);
            }
            assertArrayEquals(aCopy, a, "A must not be modified");
            assertArrayEquals(bCopy, b, "B must not be modified");
        }
    }

    /** The float32 copies are reused per thread: a smaller product after a larger one must not see its leftovers. */
    @ParameterizedTest
    @MethodSource("backends")
    void float32ProductsAfterALargerOneMatchTheTripleLoop(String backend) {
        Blas blas = BlasHolder.byName(backend);
        Random r = new Random(5);
        int[][] shapes = {{40, 30, 50}, {3, 2, 4}, {1, 5, 2}, {7, 9, 3}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            double[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
            for (double beta : new double[] {0, 1.5}) {
                double[] c = c0.clone();
                blas.gemm(Precision.FLOAT32, true, false, m, n, k, 1, transpose(a, m, k), b, beta, c);
                double[] want = naive(false, false, m, n, k, 1, a, b, beta, c0);
                for (int i = 0; i < c.length; i++) {
                    assertEquals(want[i], c[i], 1e-5 * (1 + Math.abs(want[i])) * k, backend + " " + m + "x" + n + "x" + k + " beta=" + beta + " at " + i);
                }
            }
        }
    }

    /**
     * OpenBLAS rounds a double product's operands to float into native memory a chunk at a time: the result
     * must be, bit for bit, the float kernel's on float copies, widened (for every transpose, alpha and beta).
     */
    @ParameterizedTest(name = "{0} transA={1} transB={2} m={3} n={4} k={5}")
    @MethodSource("cases")
    void float32DoubleProductIsTheFloatKernelsOnRoundedCopies(String backend, boolean ta, boolean tb, int m, int n, int k) {
        Blas blas = BlasHolder.byName(backend);
        Random r = new Random(17L * m + n + 3L * k);
        double[] a = random(r, m * k), b = random(r, k * n), c0 = random(r, m * n);
        for (double[] ab : new double[][] {{1, 0}, {-0.5, 2.5}}) {
            double[] c = c0.clone();
            blas.gemm(Precision.FLOAT32, ta, tb, m, n, k, ab[0], a, b, ab[1], c);
            float[] cf = toFloat(c0);
            blas.gemm(ta, tb, m, n, k, (float) ab[0], toFloat(a), toFloat(b), (float) ab[1], cf);
            for (int i = 0; i < c.length; i++) {
                assertEquals(cf[i], c[i], 0.0, backend + " alpha=" + ab[0] + " beta=" + ab[1] + " at " + i);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void openBlasFloat32RejectsArraysShorterThanTheShapes() {
        Blas blas = BlasHolder.byName("openblas");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> blas.gemm(Precision.FLOAT32, false, true, 4, 4, 4, 1, new double[16], new double[16], 0, new double[15]));
        assertEquals("gemm: C holds 15 values but the shapes need 16", e.getMessage());
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j];
        return t;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void betaZeroIgnoresNaNInC(String backend) {
        double[] c = {Double.NaN, Double.NaN};
        BlasHolder.byName(backend).gemm(false, false, 1, 2, 1, 1, new double[] {2}, new double[] {3, 4}, 0, c);
        assertArrayEquals(new double[] {6, 8}, c);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void emptyInnerDimensionScalesC(String backend) {
        double[] c = {1, 2, 3, 4, 5, 6};
        BlasHolder.byName(backend).gemm(false, false, 2, 3, 0, 1, new double[0], new double[0], 2, c);
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, c);
    }

    @org.junit.jupiter.api.Test
    void openBlasRejectsArraysShorterThanTheShapesInsteadOfReadingPastThem() {
        Blas blas = BlasHolder.byName("openblas");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> blas.gemm(false, false, 4, 4, 4, 1, new double[15], new double[16], 0, new double[16]));
        assertEquals("gemm: A holds 15 values but the shapes need 16", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void unknownBackendNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Blas.use("mkl"));
        assertEquals("unknown BLAS backend 'mkl': use \"openblas\" or \"ejml\"", e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void openBlasThreadCountCanBeChanged() {
        OpenBlas blas = (OpenBlas) BlasHolder.byName("openblas");
        int before = blas.threads();
        try {
            blas.threads(2);
            assertEquals(2, blas.threads());
            blas.threads(1);
            assertEquals(1, blas.threads());
        } finally {
            blas.threads(before);
        }
        assertThrows(IllegalArgumentException.class, () -> blas.threads(0));
    }

    static Stream<String> backends() {
        return Stream.of("ejml", "openblas");
    }

    private static double[] naive(boolean ta, boolean tb, int m, int n, int k, double alpha, double[] a, double[] b,
                                  double beta, double[] c0) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c0[i * n + j]);
            }
        }
        return c;
    }

    private static double[] random(Random r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextGaussian();
        return d;
    }
}
