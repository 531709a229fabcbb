package org.deeptoy.ops;

import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;

/**
 * Prints ms per forward and backward of conv2d and maxPool2d at the MNIST CNN's shapes (batch 64).
 * Not a test (speed is never asserted); run it with {@code bench/conv.sh [rounds [images per product]]}.
 */
public final class ConvBench {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        if (args.length > 1) Conv2d.chunk = Integer.parseInt(args[1]);
        System.out.printf("blas %s, images per product %s, %d rounds after warm-up, median ms%n", Blas.current().name(),
                Conv2d.chunk == 0 ? "automatic" : String.valueOf(Conv2d.chunk), rounds);
        conv("conv1 x [64, 1, 28, 28] F [32, 1, 5, 5]", new int[] {64, 1, 28, 28}, new int[] {32, 1, 5, 5}, false, rounds);
        conv("conv2 x [64, 32, 12, 12] F [64, 32, 3, 3]", new int[] {64, 32, 12, 12}, new int[] {64, 32, 3, 3}, true, rounds);
        pool("pool x [64, 32, 24, 24] 2x2 stride 2", new int[] {64, 32, 24, 24}, rounds);
    }

    private static void conv(String label, int[] xs, int[] fs, boolean inputGradient, int rounds) {
        Tensor x = Tensor.randomNormal(1, xs), f = Tensor.randomNormal(2, fs);
        Conv2d op = new Conv2d(1, 0);
        Tensor[] in = {x, f};
        Tensor y = op.forward(in);
        Tensor dy = Tensor.randomNormal(3, y.shape());
        boolean[] need = {inputGradient, true};
        int n = xs[0], o = fs[0], k = fs[1] * fs[2] * fs[3], cols = n * y.dim(2) * y.dim(3);
        double[] fwd = new double[rounds], bwd = new double[rounds];
        for (int r = -10; r < rounds; r++) {
            long t0 = System.nanoTime();
            op.forward(in);
            long t1 = System.nanoTime();
            op.backward(in, y, dy, need);
            long t2 = System.nanoTime();
            if (r >= 0) {
                fwd[r] = (t1 - t0) / 1e6;
                bwd[r] = (t2 - t1) / 1e6;
            }
        }
        double flops = 2.0 * o * k * cols * (inputGradient ? 3 : 2);
        double total = median(fwd) + median(bwd);
        System.out.printf("%-50s forward %7.2f  backward %7.2f  total %7.2f  (%.1f GFLOP/s)%n",
                label + (inputGradient ? "" : ", no dL/dx"), median(fwd), median(bwd), total, flops / total / 1e6);
    }

    private static void pool(String label, int[] xs, int rounds) {
        Tensor x = Tensor.randomNormal(4, xs);
        MaxPool2d op = new MaxPool2d(2, 2);
        Tensor[] in = {x};
        Tensor y = op.forward(in);
        Tensor dy = Tensor.randomNormal(5, y.shape());
        double[] fwd = new double[rounds], bwd = new double[rounds];
        for (int r = -10; r < rounds; r++) {
            long t0 = System.nanoTime();
            op.forward(in);
            long t1 = System.nanoTime();
            op.backward(in, y, dy, new boolean[] {true});
            long t2 = System.nanoTime();
            if (r >= 0) {
                fwd[r] = (t1 - t0) / 1e6;
                bwd[r] = (t2 - t1) / 1e6;
            }
        }
        System.out.printf("%-50s forward %7.2f  backward %7.2f  total %7.2f%n", label, median(fwd), median(bwd),
                median(fwd) + median(bwd));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
