package org.deeptoy.bench;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.OpenBlas;
import org.deeptoy.tensor.Tensor;

import java.util.Locale;

/**
 * GFLOP/s of matrix multiplication at the shapes of a 784-256-10 MLP on a batch of 128 (forward
 * and backward), EJML against OpenBLAS with 1 and 2 threads, and ms per forward+backward step of
 * that MLP built with the graph API. Run by {@code bench/matmul.sh}.
 */
public final class MatmulBench {
    /** name, transA, transB, m, n, k: the products of forward and backward (examples are rows). */
    private static final Object[][] SHAPES = {
            {"h = x·W1       [128x784]·[784x256]", false, false, 128, 256, 784},
            {"z = h·W2       [128x256]·[256x10]", false, false, 128, 10, 256},
            {"dW1 = xᵀ·dh    [784x128]·[128x256]", true, false, 784, 256, 128},
            {"dx = dh·W1ᵀ    [128x256]·[256x784]", false, true, 128, 784, 256},
            {"dW2 = hᵀ·dz    [256x128]·[128x10]", true, false, 256, 10, 128},
            {"dh = dz·W2ᵀ    [128x10]·[10x256]", false, true, 128, 256, 10},
    };

    public static void main(String[] args) {
        String label = args.length > 0 ? args[0] : "";
        double round = Double.parseDouble(System.getProperty("bench.round", "0.2"));
        System.out.println("== matrix multiply, GFLOP/s (median of 7 rounds)" + (label.isEmpty() ? "" : ", " + label));
        System.out.printf(Locale.ROOT, "%-36s %8s %9s %9s %13s%n", "product", "ejml", "openblas1", "openblas2",
                "native-ptr1");
        Blas ejml = blas("ejml");
        OpenBlas open = (OpenBlas) blas("openblas");
        for (Object[] s : SHAPES) {
            boolean ta = (Boolean) s[1], tb = (Boolean) s[2];
            int m = (Integer) s[3], n = (Integer) s[4], k = (Integer) s[5];
            double[] a = Tensor.randomNormal(1, m * k).data(), b = Tensor.randomNormal(2, k * n).data();
            double[] c = new double[m * n];
            double flops = 2.0 * m * n * k;
            double e = flops / 1e9 / Timing.secondsPerCall(() -> ejml.gemm(ta, tb, m, n, k, 1, a, b, 0, c), 0.3, 7, round);
            open.threads(1);
            double o1 = flops / 1e9 / Timing.secondsPerCall(() -> open.gemm(ta, tb, m, n, k, 1, a, b, 0, c), 0.3, 7, round);
            open.threads(2);
            double o2 = flops / 1e9 / Timing.secondsPerCall(() -> open.gemm(ta, tb, m, n, k, 1, a, b, 0, c), 0.3, 7, round);
            open.threads(1);
            double p1 = flops / 1e9 / nativePointers(ta, tb, m, n, k, a, b, round);
            System.out.printf(Locale.ROOT, "%-36s %8.1f %9.1f %9.1f %13.1f%n", s[0], e, o1, o2, p1);
        }
        System.out.println("(native-ptr1: OpenBLAS on off-heap DoublePointer storage, 1 thread: the cost of passing"
                + " heap arrays is the gap to openblas1)");

        System.out.println("== 784-256-10 MLP, batch 128, forward+backward through the graph, ms per step");
        Tensor x = Tensor.randomUniform(3, 0, 1, 128, 784);
        double[] oneHot = new double[128 * 10];
        for (int i = 0; i < 128; i++) oneHot[i * 10 + i % 10] = 1;
        Tensor y = Tensor.wrap(oneHot, 128, 10);
        Mlp mlp = new Mlp(784, 256, 10, 42);
        String[] names = {"ejml", "openblas1", "openblas2"};
        for (String name : names) {
            if (name.equals("ejml")) Blas.use("ejml");
            else {
                Blas.use("openblas");
                open.threads(name.endsWith("1") ? 1 : 2);
            }
            double ms = 1e3 * Timing.secondsPerCall(() -> mlp.step(x, y), 1.0, 7, 5 * round);
            System.out.printf(Locale.ROOT, "%-10s %7.2f ms%n", name, ms);
        }
        open.threads(1);
    }

    private static Blas blas(String name) {
        Blas.use(name);
        return Blas.current();
    }

    private static double nativePointers(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b, double round) {
        try (DoublePointer pa = new DoublePointer(a); DoublePointer pb = new DoublePointer(b);
             DoublePointer pc = new DoublePointer((long) m * n)) {
            int order = openblas_nolapack.CblasRowMajor;
            int fa = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            int fb = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            return Timing.secondsPerCall(() -> openblas_nolapack.cblas_dgemm(order, fa, fb, m, n, k, 1, pa, ta ? m : k,
                    pb, tb ? k : n, 0, pc, n), 0.3, 7, round);
        }
    }
}
