package org.deeptoy.ops;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;

import java.util.Map;
import java.util.Random;

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
        cnnStep(rounds);
    }

    /**
     * One training step (forward and backward through the graph, batch 64) of an MNIST CNN:
     * conv 5x5 x32 + bias, relu, pool 2; conv 3x3 x64 + bias, relu, pool 2; dense 1600 -> 10; log-softmax.
     */
    private static void cnnStep(int rounds) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), t = cg.input("onehot");
        Connection w1 = cg.variable(Tensor.randomNormal(new Random(1), 0, 0.2, 32, 1, 5, 5), "W1");
        Connection b1 = cg.variable(Tensor.zeros(32, 1, 1), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(new Random(2), 0, 0.06, 64, 32, 3, 3), "W2");
        Connection b2 = cg.variable(Tensor.zeros(64, 1, 1), "b2");
        Connection w3 = cg.variable(Tensor.randomNormal(new Random(3), 0, 0.03, 1600, 10), "W3");
        Connection h1 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(x, w1, 1, 0), b1)), 2, 2);
        Connection h2 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(h1, w2, 1, 0), b2)), 2, 2);
        Connection logits = cg.matrixMultiply(cg.reshape(h2, 64, 1600), w3);
        Connection loss = cg.negate(cg.mean(cg.reduceSum(cg.multiply(t, cg.logSoftmax(logits)), 1)));
        double[] onehot = new double[64 * 10];
        for (int i = 0; i < 64; i++) onehot[i * 10 + i % 10] = 1;
        Map<Connection, Tensor> feeds = Map.of(x, Tensor.randomUniform(4, 0, 1, 64, 1, 28, 28),
                t, Tensor.of(onehot, 64, 10));
        double[] ms = new double[rounds];
        for (int r = -10; r < rounds; r++) {
            long t0 = System.nanoTime();
            new SimulationContext().variableGradientsOnly(true).checkFinite(false).forward(cg, feeds, loss).backward(cg, loss);
            if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        System.out.printf("%-50s total %7.2f  (an epoch of 60,000 images: %.0f s)%n",
                "CNN training step, batch 64 (graph, no optimizer)", median(ms), median(ms) * 60000 / 64 / 1000);
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
