package org.deeptoy.bench;

import org.deeptoy.data.Batch;
import org.deeptoy.data.Dataset;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Notebook 7d's two-layer net as its solutions version writes it: affine, ReLU and softmax-loss ops of
 * the student's own (forward and backward), mean-subtracted pixels, and a plain SGD loop (mini-batches,
 * L2 as weight decay in the step, the learning rate decayed after every epoch). Keep it in step with
 * notebooks/src/07d-two-layer-net.java: bench/targets.sh reports this recipe as the notebook's.
 */
final class TwoLayerNet {
    /** The recipe; the defaults are the notebook's (system properties {@code twolayer.*} override them to tune). */
    record Recipe(int hidden, int epochs, int batch, double learningRate, double decay, double reg, long seed) {
        static Recipe notebook() {
            return new Recipe(Integer.getInteger("twolayer.hidden", 500), Integer.getInteger("twolayer.epochs", 10),
                    Integer.getInteger("twolayer.batch", 200), dbl("twolayer.lr", 0.1), dbl("twolayer.decay", 0.9),
                    dbl("twolayer.reg", 1e-3), 1);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "hidden %d, %d epochs of batches of %d, SGD lr %g × %g per epoch, L2 %g", hidden,
                    epochs, batch, learningRate, decay, reg);
        }
    }

    /** What training gave: test accuracy, wall seconds of training, CPU seconds of the training thread and the process. */
    record Result(double testAccuracy, double seconds, double threadCpuSeconds, double processCpuSeconds, double[] epochSeconds) {}

    private TwoLayerNet() {}

    // ---- the layers (the notebook's cells) ------------------------------------------------------

    /** a·b, with aᵀ or bᵀ where asked: the product the layers call (np.dot in CS231n's numpy). */
    static Tensor times(Tensor a, boolean transposeA, Tensor b, boolean transposeB) {
        int m = a.dim(transposeA ? 1 : 0), k = a.dim(transposeA ? 0 : 1), n = b.dim(transposeB ? 0 : 1);
        if (b.dim(transposeB ? 1 : 0) != k) throw new IllegalArgumentException("times: inner dimensions differ");
        double[] c = new double[m * n];
        Blas.current().gemm(transposeA, transposeB, m, n, k, 1, a.data(), b.data(), 0, c);
        return Tensor.wrap(c, m, n);
    }

    /** y = x·W + b; dL/dx = dy·Wᵀ, dL/dW = xᵀ·dy, dL/db = the column sums of dy. */
    static final class Affine extends Node {
        Affine() {
            super("affine");
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            Tensor y = times(in[0], false, in[1], false);
            double[] v = y.data(), b = in[2].data();
            for (int i = 0; i < v.length; i++) v[i] += b[i % b.length];
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
            Tensor x = in[0], w = in[1];
            Tensor dx = need[0] ? times(dy, false, w, true) : null;
            Tensor dw = times(x, true, dy, false);
            double[] db = new double[w.dim(1)], g = dy.data();
            for (int i = 0; i < g.length; i++) db[i % db.length] += g[i];
            return new Tensor[] {dx, dw, Tensor.wrap(db, db.length)};
        }
    }

    /** y = max(x, 0); dL/dx = dy where x > 0, else 0. */
    static final class Relu extends Node {
        Relu() {
            super("relu");
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            double[] x = in[0].data(), y = new double[x.length];
            for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0);
            return Tensor.wrap(y, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
            double[] x = in[0].data(), g = dy.data(), dx = new double[x.length];
            for (int i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? g[i] : 0;
            return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
        }
    }

    /** L = mean over the rows of −ln softmax(s)[label]; dL/ds = (p − onehot) / n. */
    static final class SoftmaxLoss extends Node {
        SoftmaxLoss() {
            super("softmaxLoss");
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            double[] p = probabilities(in[0]), labels = in[1].data();
            int n = in[0].dim(0), k = in[0].dim(1);
            double loss = 0;
            for (int i = 0; i < n; i++) loss -= Math.log(p[i * k + (int) labels[i]]);
            return Tensor.scalar(loss / n);
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
            double[] ds = probabilities(in[0]), labels = in[1].data();
            int n = in[0].dim(0), k = in[0].dim(1);
            for (int i = 0; i < n; i++) ds[i * k + (int) labels[i]] -= 1;
            for (int i = 0; i < ds.length; i++) ds[i] *= dy.item() / n;
            return new Tensor[] {Tensor.wrap(ds, n, k), null};
        }

        static double[] probabilities(Tensor s) {
            int n = s.dim(0), k = s.dim(1);
            double[] v = s.data(), p = new double[v.length];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < k; j++) max = Math.max(max, v[i * k + j]);
                for (int j = 0; j < k; j++) sum += p[i * k + j] = Math.exp(v[i * k + j] - max);
                for (int j = 0; j < k; j++) p[i * k + j] /= sum;
            }
            return p;
        }
    }

    /** w − lr·(dw + reg·w): a step against the gradient of the loss plus (reg/2)·Σw². */
    static double[] sgdStep(double[] w, double[] dw, double learningRate, double reg) {
        double[] next = new double[w.length];
        for (int i = 0; i < w.length; i++) next[i] = w[i] - learningRate * (dw[i] + reg * w[i]);
        return next;
    }

    // ---- the net and its training -----------------------------------------------------------------

    private record Net(ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss,
                       List<Connection> weights) {}

    private static Net build(int inputs, int hidden, int classes, Random init) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), labels = cg.input("labels");
        Connection w1 = cg.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / inputs), inputs, hidden), "W1");
        Connection b1 = cg.variable(Tensor.zeros(hidden), "b1");
        Connection w2 = cg.variable(Tensor.randomNormal(init, 0, Math.sqrt(2.0 / hidden), hidden, classes), "W2");
        Connection b2 = cg.variable(Tensor.zeros(classes), "b2");
        Connection h = cg.add(new Relu(), "h", cg.add(new Affine(), "a", x, w1, b1));
        Connection scores = cg.add(new Affine(), "scores", h, w2, b2);
        Connection loss = cg.add(new SoftmaxLoss(), "loss", scores, labels);
        return new Net(cg, x, labels, scores, loss, List.of(w1, w2));
    }

    /** The mean image of {@code train} (pixels 0..255, one value per feature), in [0, 1]. */
    static Tensor meanImage(Dataset train) {
        double[] mean = null;
        for (Batch b : train.batches(1000)) {
            double[] x = b.x().data();
            if (mean == null) mean = new double[x.length / b.size()];
            for (int i = 0; i < x.length; i++) mean[i % mean.length] += x[i] / 255 / train.size();
        }
        return Tensor.wrap(mean, mean.length);
    }

    /** Pixels [n, 3072] (0..255) in [0, 1] less the mean image. */
    static Tensor centred(Tensor pixels, Tensor mean) {
        double[] x = pixels.data(), m = mean.data(), y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] / 255 - m[i % m.length];
        return Tensor.wrap(y, pixels.shape());
    }

    static Tensor labels(int[] l) {
        double[] d = new double[l.length];
        for (int i = 0; i < l.length; i++) d[i] = l[i];
        return Tensor.wrap(d, l.length);
    }

    /** Trains on {@code train} (flattened CIFAR-10 photos), prints a line per epoch, and scores {@code test}. */
    static Result train(Dataset train, Dataset test, Recipe r) {
        Tensor mean = meanImage(train);
        Net net = build(train.exampleShape()[0], r.hidden, train.numClasses(), new Random(r.seed));
        SimulationContext ctx = new SimulationContext().variableGradientsOnly(true).checkFinite(false);
        Random shuffle = new Random(r.seed + 6);
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime(), cpu0 = threads.getCurrentThreadCpuTime(), proc0 = os.getProcessCpuTime();
        double lr = r.learningRate;
        double[] epochSeconds = new double[r.epochs];
        for (int epoch = 0; epoch < r.epochs; epoch++) {
            long e0 = System.nanoTime();
            double sum = 0;
            int batches = 0;
            for (Batch b : train.batches(r.batch, shuffle)) {
                ctx.forward(net.cg, Map.of(net.x, centred(b.x(), mean), net.labels, labels(b.labels())));
                sum += ctx.value(net.loss).item();
                batches++;
                ctx.backward(net.cg, net.loss);
                for (Connection v : net.cg.variables()) {
                    double reg = net.weights.contains(v) ? r.reg : 0;
                    v.set(Tensor.wrap(sgdStep(v.value().data(), ctx.gradient(v).data(), lr, reg), v.value().shape()));
                }
            }
            lr *= r.decay;
            epochSeconds[epoch] = (System.nanoTime() - e0) / 1e9;
            System.out.printf(Locale.ROOT, "epoch %2d: loss %.4f, %.1f s%n", epoch + 1, sum / batches, epochSeconds[epoch]);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double threadCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9, processCpu = (os.getProcessCpuTime() - proc0) / 1e9;
        return new Result(accuracy(net, ctx, test, mean), seconds, threadCpu, processCpu, epochSeconds);
    }

    static double accuracy(Net net, SimulationContext ctx, Dataset d, Tensor mean) {
        int right = 0;
        for (Batch b : d.batches(1000)) {
            ctx.forward(net.cg, Map.of(net.x, centred(b.x(), mean)), net.scores);
            int[] predicted = ctx.value(net.scores).argmaxRows();
            for (int i = 0; i < predicted.length; i++) if (predicted[i] == b.labels()[i]) right++;
        }
        return (double) right / d.size();
    }

    /** Tuning: trains on the first 49 000 training photos and prints the accuracy on the other 1000 (CS231n's split). */
    public static void main(String[] args) {
        Dataset all = org.deeptoy.data.Datasets.cifar10().train().flatten();
        int[] rest = new int[1000];
        for (int i = 0; i < rest.length; i++) rest[i] = 49_000 + i;
        Recipe r = Recipe.notebook();
        Result res = train(all.first(49_000), all.subset(rest), r);
        System.out.printf(Locale.ROOT, "%s: validation accuracy %.4f, %.1f s (thread CPU %.1f s)%n", r, res.testAccuracy(),
                res.seconds(), res.threadCpuSeconds());
    }

    private static double dbl(String name, double dflt) {
        String v = System.getProperty(name);
        return v == null ? dflt : Double.parseDouble(v);
    }
}
