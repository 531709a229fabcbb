package org.deeptoy.bench;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.optim.Adam;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;

import java.util.Map;
import java.util.Random;

/**
 * Notebook 10's transformer and training recipe: reverse sequences of T = 8 random digits with one
 * pre-norm block (D = 32, 2 heads, MLP 4D), position embeddings, Adam 3e-3, batches of 64 drawn fresh,
 * 300 steps in float32; scored on 1000 held-out sequences (seed 3), a sequence right when all 8 digits are.
 */
final class ReverseDigits {
    static final int T = 8, V = 10, D = 32, H = 2, DH = D / H;

    /** Training seconds, share of held-out sequences exactly right, share of digits right. */
    record Result(int steps, double seconds, double sequences, double digits) {}

    private final Random init = new Random(1);
    private final ComputationalGraph cg = new ComputationalGraph();
    private final Connection tokens = cg.input("tokens"), targets = cg.input("targets");
    private final Connection logits, loss;

    ReverseDigits() {
        Connection e = cg.variable(Tensor.randomNormal(init, 0, 1, V, D), "E");
        Connection p = cg.variable(Tensor.randomNormal(init, 0, 1, T, D), "P");
        Connection x0 = cg.reshape(cg.sum(cg.embedding(e, tokens), p), -1, D);
        logits = linear(norm(block(x0)), D, V);
        loss = cg.softmaxCrossEntropy(logits, targets);
    }

    Result train(int steps) {
        Adam adam = new Adam(3e-3);
        SimulationContext ctx = new SimulationContext().training(true).precision(Precision.FLOAT32).variableGradientsOnly(true);
        Random batches = new Random(2);
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            Tensor[] batch = reversals(batches, 64);
            ctx.forward(cg, Map.of(tokens, batch[0], targets, batch[1]), loss).backward(cg, loss);
            adam.step(cg.variables(), ctx);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Tensor[] heldOut = reversals(new Random(3), 1000);
        int[] predicted = new SimulationContext().forward(cg, Map.of(tokens, heldOut[0], targets, heldOut[1]), logits)
                .value(logits).argmaxRows();
        double[] want = heldOut[1].data();
        int sequences = 0, digits = 0;
        for (int s = 0; s < 1000; s++) {
            int right = 0;
            for (int q = 0; q < T; q++) if (predicted[s * T + q] == want[s * T + q]) right++;
            digits += right;
            if (right == T) sequences++;
        }
        return new Result(steps, seconds, sequences / 1000.0, digits / (1000.0 * T));
    }

    static Tensor[] reversals(Random r, int n) {
        double[] in = new double[n * T], out = new double[n * T];
        for (int s = 0; s < n; s++) {
            for (int q = 0; q < T; q++) in[s * T + q] = r.nextInt(V);
            for (int q = 0; q < T; q++) out[s * T + q] = in[s * T + T - 1 - q];
        }
        return new Tensor[] {Tensor.wrap(in, n, T), Tensor.wrap(out, n * T)};
    }

    private Connection block(Connection x) {
        Connection h = norm(x);
        Connection out = attention(heads(linear(h, D, D)), heads(linear(h, D, D)), heads(linear(h, D, D)));
        x = cg.sum(x, linear(merge(out), D, D));
        return cg.sum(x, linear(cg.relu(linear(norm(x), D, 4 * D)), 4 * D, D));
    }

    private Connection attention(Connection q, Connection k, Connection v) {
        Connection scores = cg.multiply(cg.batchMatrixMultiply(q, cg.transpose(k, 0, 2, 1)), cg.constant(1 / Math.sqrt(DH)));
        return cg.batchMatrixMultiply(cg.softmax(scores, -1), v);
    }

    private Connection linear(Connection x, int in, int out) {
        Connection w = cg.variable(Tensor.randomNormal(init, 0, 1 / Math.sqrt(in), in, out), "W");
        return cg.sum(cg.matrixMultiply(x, w), cg.variable(Tensor.zeros(out), "b"));
    }

    private Connection norm(Connection x) {
        return cg.layerNorm(x, cg.variable(Tensor.ones(D), "γ"), cg.variable(Tensor.zeros(D), "β"));
    }

    private Connection heads(Connection x) {
        return cg.reshape(cg.transpose(cg.reshape(x, -1, T, H, DH), 0, 2, 1, 3), -1, T, DH);
    }

    private Connection merge(Connection x) {
        return cg.reshape(cg.transpose(cg.reshape(x, -1, H, T, DH), 0, 2, 1, 3), -1, D);
    }
}
