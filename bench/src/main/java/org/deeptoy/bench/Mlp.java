package org.deeptoy.bench;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Map;
import java.util.Random;

/**
 * The speed benchmark's network, built with the graph API: 784-256-10, ReLU, softmax
 * cross-entropy (from logSoftmax; a fused op will replace it), plain SGD. Examples are rows.
 */
final class Mlp {
    final ComputationalGraph cg = new ComputationalGraph();
    final Connection x = cg.input("x"), y = cg.input("y"), invBatch = cg.input("1/batch");
    final Connection w1, b1, w2, b2, loss;
    private final Connection[] params;
    private final SimulationContext ctx = new SimulationContext().checkFinite(false).variableGradientsOnly(true);

    Mlp(int in, int hidden, int out, long seed) {
        Random r = new Random(seed);
        w1 = cg.variable(Tensor.randomNormal(r, 0, Math.sqrt(2.0 / in), in, hidden), "W1");
        b1 = cg.variable(Tensor.zeros(hidden), "b1");
        w2 = cg.variable(Tensor.randomNormal(r, 0, Math.sqrt(2.0 / hidden), hidden, out), "W2");
        b2 = cg.variable(Tensor.zeros(out), "b2");
        Connection h = cg.relu(cg.sum(cg.matrixMultiply(x, w1), b1), "h");
        Connection logits = cg.sum(cg.matrixMultiply(h, w2), b2, "logits");
        // loss = -(1/B) Σ y ⊙ logSoftmax(logits), y one-hot
        loss = cg.negate(cg.multiply(cg.reduceSum(cg.multiply(y, cg.logSoftmax(logits, 1))), invBatch), "loss");
        params = new Connection[] {w1, b1, w2, b2};
    }

    /** One forward and backward pass; returns the loss. */
    double step(Tensor xb, Tensor yb) {
        ctx.forward(cg, Map.of(x, xb, y, yb, invBatch, Tensor.scalar(1.0 / xb.dim(0))));
        ctx.backward(cg, loss);
        return ctx.value(loss).item();
    }

    /** One SGD step: p -= lr * dL/dp, in the variables' storage (as an optimizer does). */
    void sgd(double lr) {
        for (Connection p : params) {
            double[] w = p.value().data(), g = ctx.gradient(p).data();
            for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
        }
    }

    /**
     * One epoch over {@code images} [N, 784] in a fresh random order, mini-batches of {@code batch}
     * (the last one smaller); returns the mean loss.
     */
    double epoch(Tensor images, int[] labels, int batch, double lr, Random shuffle) {
        int n = images.dim(0), classes = 10;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double total = 0;
        int batches = 0;
        for (int from = 0; from < n; from += batch) {
            int to = Math.min(n, from + batch);
            double[] oneHot = new double[(to - from) * classes];
            for (int i = from; i < to; i++) oneHot[(i - from) * classes + labels[order[i]]] = 1;
            total += step(images.gather(order, from, to), Tensor.wrap(oneHot, to - from, classes));
            sgd(lr);
            batches++;
        }
        return total / batches;
    }
}
