package org.deeptoy.graph;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints ms per op (forward, backward, and the engine's summing back of broadcast gradients) and
 * per whole training step (through {@link SimulationContext}) of the MNIST CNN (batch 64) and the
 * 784-256-10 MLP (batch 128). Lives in the graph package to call the ops' forward and backward
 * one by one; uses only API that older versions of the engine have too, so {@code bench/ops.sh}
 * can compile it against another commit's core and compare both in one run.
 *
 * <pre>java ... org.deeptoy.graph.StepProfile [rounds]</pre>
 * Output lines: {@code <model> step <ms>}, {@code <model> stepCpu <ms>} and
 * {@code <model> op <#> <name> fwd <ms> bwd <ms> sumTo <ms> <input shapes>}. Per-op figures are this
 * thread's CPU time (not counting time the machine gave to other processes, nor the collector's
 * pauses, which run on another thread); "step" is wall-clock time, "stepCpu" the thread's CPU time.
 */
public final class StepProfile {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        profile("course", course(), rounds);
        profile("cnn", cnn(), rounds);
        profile("mlp", mlp(), rounds);
    }

    private record Model(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds) {}

    /** As ConvBench: conv 5x5 x32 + bias, relu, pool 2; conv 3x3 x64 + bias, relu, pool 2; dense 1600 -> 10. */
    static Model cnn() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), t = cg.input("onehot");
        Connection w1 = cg.variable(Tensor.randomNormal(new Random(1), 0, 0.2, 32, 1, 5, 5), "W1");
        Connection b1 = cg.variable(Tensor.randomNormal(new Random(5), 0, 0.1, 32, 1, 1), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(new Random(2), 0, 0.06, 64, 32, 3, 3), "W2");
        Connection b2 = cg.variable(Tensor.randomNormal(new Random(6), 0, 0.1, 64, 1, 1), "b2");
        Connection w3 = cg.variable(Tensor.randomNormal(new Random(3), 0, 0.03, 1600, 10), "W3");
        Connection b3 = cg.variable(Tensor.zeros(10), "b3");
        Connection h1 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(x, w1, 1, 0), b1)), 2, 2);
        Connection h2 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(h1, w2, 1, 0), b2)), 2, 2);
        Connection logits = cg.sum(cg.matrixMultiply(cg.reshape(h2, 64, 1600), w3), b3);
        Connection loss = cg.negate(cg.mean(cg.reduceSum(cg.multiply(t, cg.logSoftmax(logits, 1)), 1)));
        return new Model(cg, loss, Map.of(x, Tensor.randomUniform(4, 0, 1, 64, 1, 28, 28), t, oneHot(64)));
    }

    /**
     * The course's CNN as {@code Cnn.builder()} makes it (notebook 08, bench/notebook-speed.sh):
     * conv 8x5 "same" + bias, relu, pool 2; conv 16x5 "same" + bias, relu, pool 2; dense 784 -> 128
     * relu; dense 128 -> 10; log-softmax cross-entropy; batch 128.
     */
    static Model course() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), t = cg.input("onehot");
        Random r = new Random(11);
        Connection k1 = cg.variable(Tensor.randomNormal(r, 0, 0.28, 8, 1, 5, 5), "K1");
        Connection c1 = cg.variable(Tensor.zeros(8, 1, 1), "c1");
        Connection k2 = cg.variable(Tensor.randomNormal(r, 0, 0.1, 16, 8, 5, 5), "K2");
        Connection c2 = cg.variable(Tensor.zeros(16, 1, 1), "c2");
        Connection w1 = cg.variable(Tensor.randomNormal(r, 0, 0.05, 784, 128), "W1");
        Connection b1 = cg.variable(Tensor.zeros(128), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(r, 0, 0.1, 128, 10), "W2");
        Connection b2 = cg.variable(Tensor.zeros(10), "b2");
        Connection h1 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(x, k1, 1, 2), c1)), 2, 2);
        Connection h2 = cg.maxPool2d(cg.relu(cg.sum(cg.conv2d(h1, k2, 1, 2), c2)), 2, 2);
        Connection h3 = cg.relu(cg.sum(cg.matrixMultiply(cg.reshape(h2, 128, 784), w1), b1));
        Connection logits = cg.sum(cg.matrixMultiply(h3, w2), b2);
        Connection loss = cg.negate(cg.mean(cg.reduceSum(cg.multiply(t, cg.logSoftmax(logits, 1)), 1)));
        return new Model(cg, loss, Map.of(x, Tensor.randomUniform(4, 0, 1, 128, 1, 28, 28), t, oneHot(128)));
    }

    /** As the speed benchmark's Mlp: 784-256-10, relu, log-softmax cross-entropy, batch 128. */
    static Model mlp() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), y = cg.input("y");
        Random r = new Random(7);
        Connection w1 = cg.variable(Tensor.randomNormal(r, 0, Math.sqrt(2.0 / 784), 784, 256), "W1");
        Connection b1 = cg.variable(Tensor.randomNormal(r, 0, 0.1, 256), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(r, 0, Math.sqrt(2.0 / 256), 256, 10), "W2");
        Connection b2 = cg.variable(Tensor.zeros(10), "b2");
        Connection h = cg.relu(cg.sum(cg.matrixMultiply(x, w1), b1));
        Connection logits = cg.sum(cg.matrixMultiply(h, w2), b2);
        Connection loss = cg.negate(cg.mean(cg.reduceSum(cg.multiply(y, cg.logSoftmax(logits, 1)), 1)));
        return new Model(cg, loss, Map.of(x, Tensor.randomUniform(8, 0, 1, 128, 784), y, oneHot(128)));
    }

    private static Tensor oneHot(int batch) {
        double[] d = new double[batch * 10];
        for (int i = 0; i < batch; i++) d[i * 10 + i % 10] = 1;
        return Tensor.wrap(d, batch, 10);
    }

    private static void profile(String name, Model m, int rounds) {
        List<Node> nodes = m.cg().nodes();
        int n = nodes.size();
        double[][] fwd = new double[n][rounds], bwd = new double[n][rounds], sum = new double[n][rounds];
        double[] step = new double[rounds], stepCpu = new double[rounds];
        boolean[] wanted = m.cg().dependsOnVariable();
        for (int r = -15; r < rounds; r++) {
            // the engine's own step, as training runs it
            long s0 = System.nanoTime(), c0 = now();
            new SimulationContext().variableGradientsOnly(true).checkFinite(false)
                    .forward(m.cg(), m.feeds(), m.loss()).backward(m.cg(), m.loss());
            if (r >= 0) {
                stepCpu[r] = (now() - c0) / 1e6;
                step[r] = (System.nanoTime() - s0) / 1e6;
            }
            // the same step op by op
            Map<Connection, Tensor> v = new HashMap<>(m.feeds());
            for (Connection c : m.cg().connections()) if (c.producer() == null && c.value() != null) v.putIfAbsent(c, c.value());
            for (int i = 0; i < n; i++) {
                Node node = nodes.get(i);
                Tensor[] x = values(node, v);
                long t0 = now();
                v.put(node.output(), node.forward(x));
                if (r >= 0) fwd[i][r] = (now() - t0) / 1e6;
            }
            Map<Connection, Tensor> g = new HashMap<>();
            g.put(m.loss(), Tensor.ones(v.get(m.loss()).shape()));
            for (int i = n - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                Tensor dy = g.get(node.output());
                if (dy == null) continue;
                List<Connection> in = node.inputs();
                boolean[] need = new boolean[in.size()];
                for (int k = 0; k < need.length; k++) need[k] = wanted[in.get(k).id()];
                Tensor[] x = values(node, v);
                long t0 = now();
                Tensor[] dx = node.backward(x, v.get(node.output()), dy, need);
                long t1 = now();
                for (int k = 0; k < need.length; k++) {
                    if (!need[k] || dx[k] == null) continue;
                    Tensor d = dx[k];
                    if (!Arrays.equals(d.shape(), x[k].shape())) d = Shapes.sumTo(d, x[k].shape());
                    g.merge(in.get(k), d, StepProfile::add);
                }
                long t2 = now();
                if (r >= 0) {
                    bwd[i][r] = (t1 - t0) / 1e6;
                    sum[i][r] = (t2 - t1) / 1e6;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s step %.3f%n", name, median(step));
        System.out.printf(Locale.ROOT, "%s stepCpu %.3f%n", name, median(stepCpu));
        SimulationContext ctx = new SimulationContext().forward(m.cg(), m.feeds(), m.loss());
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            List<String> shapes = new ArrayList<>();
            for (Connection c : node.inputs()) shapes.add(Shapes.toString(ctx.value(c).shape()).replace(" ", ""));
            System.out.printf(Locale.ROOT, "%s op %d %s fwd %.3f bwd %.3f sumTo %.3f %s%n", name, i, node.op(),
                    median(fwd[i]), median(bwd[i]), median(sum[i]), String.join(",", shapes));
        }
    }

    private static Tensor add(Tensor a, Tensor b) {
        double[] x = a.data(), y = b.data(), s = new double[x.length];
        for (int i = 0; i < s.length; i++) s[i] = x[i] + y[i];
        return Tensor.wrap(s, a.shape());
    }

    private static Tensor[] values(Node node, Map<Connection, Tensor> v) {
        List<Connection> in = node.inputs();
        Tensor[] x = new Tensor[in.size()];
        for (int k = 0; k < x.length; k++) x[k] = v.get(in.get(k));
        return x;
    }

    private static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
