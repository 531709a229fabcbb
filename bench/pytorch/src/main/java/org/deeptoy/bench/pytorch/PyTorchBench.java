package org.deeptoy.bench.pytorch;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The PyTorch side of {@code bench/notebook-speed.sh}: the course's MLP (784-256-10 relu) and CNN
 * (conv 8×5 same, relu, pool 2, conv 16×5 same, relu, pool 2, dense 128 relu, dense 10) trained
 * in PyTorch (float32, its default) through DJL, softmax cross-entropy, plain SGD, on the 60,000
 * MNIST training images scaled to [0, 1], shuffled, in batches of 128.
 *
 * <p>Driven over standard input so that the script can alternate it with the DeepToy kernel: each
 * line {@code mlp N} or {@code cnn N} trains N images (a whole epoch is 60000) and answers
 * {@code pytorch mlp 60000 images: S s (mean loss L)}. One intra-op and one inter-op thread
 * ({@code ai.djl.pytorch.num_threads}, set by the script, with OMP_NUM_THREADS=1).
 */
public final class PyTorchBench {
    private static final int BATCH = 128;

    public static void main(String[] args) throws Exception {
        float[][] data = mnist();
        float[] x = data[0], labels = data[1];
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("pytorch engine " + engine.getEngineName() + " " + engine.getVersion()
                + ", threads: intra-op " + System.getProperty("ai.djl.pytorch.num_threads")
                + ", inter-op " + System.getProperty("ai.djl.pytorch.num_interop_threads"));
        try (Net mlp = new Net(mlp(), new Shape(BATCH, 784)); Net cnn = new Net(cnn(), new Shape(BATCH, 1, 28, 28))) {
            Random shuffle = new Random(42);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            for (String line; (line = in.readLine()) != null; ) {
                String[] w = line.trim().split("\\s+");
                if (w.length != 2) continue;
                Net net = w[0].equals("mlp") ? mlp : cnn;
                int images = Integer.parseInt(w[1]);
                long t = System.nanoTime();
                double loss = net.train(x, labels, images, shuffle);
                System.out.printf(Locale.ROOT, "pytorch %s %d images: %.3f s (mean loss %.4f)%n", w[0], images,
                        (System.nanoTime() - t) / 1e9, loss);
            }
        }
    }

    private static SequentialBlock mlp() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(256).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    private static SequentialBlock cnn() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(8).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2)).setFilters(16).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(128).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    /** A model with its trainer: plain SGD, learning rate 0.05, as in the DeepToy cells. */
    private static final class Net implements AutoCloseable {
        private final Model model;
        private final Trainer trainer;
        private final Loss loss = Loss.softmaxCrossEntropyLoss();
        private final Shape input;

        Net(SequentialBlock block, Shape input) {
            this.input = input;
            model = Model.newInstance("net", Device.cpu());
            model.setBlock(block);
            block.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).build();
            trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(sgd).optDevices(new Device[] {Device.cpu()}));
            trainer.initialize(input);
        }

        /** Trains on {@code images} shuffled examples (cycling through the data), batch by batch. */
        double train(float[] x, float[] labels, int images, Random shuffle) {
            int n = labels.length, features = x.length / n;
            int[] order = permutation(n, shuffle);
            float[] xb = new float[BATCH * features], yb = new float[BATCH];
            double sum = 0;
            int batches = 0;
            for (int done = 0; done < images; done += BATCH) {
                int b = Math.min(BATCH, images - done);
                for (int i = 0; i < b; i++) {
                    int e = order[(done + i) % n];
                    System.arraycopy(x, e * features, xb, i * features, features);
                    yb[i] = labels[e];
                }
                long[] dims = input.getShape().clone();
                dims[0] = b;
                try (NDManager m = trainer.getManager().newSubManager()) {
                    NDArray xs = m.create(java.nio.FloatBuffer.wrap(xb, 0, b * features), new Shape(dims));
                    NDArray ys = m.create(java.nio.FloatBuffer.wrap(yb, 0, b), new Shape(b));
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray scores = trainer.forward(new NDList(xs)).singletonOrThrow();
                        NDArray l = loss.evaluate(new NDList(ys), new NDList(scores));
                        gc.backward(l);
                        sum += l.getFloat();
                    }
                    trainer.step();
                }
                batches++;
            }
            return sum / batches;
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }

    private static int[] permutation(int n, Random r) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The MNIST training set from $DEEPTOY_DATA/mnist: pixels / 255 as [60000·784] and labels. */
    private static float[][] mnist() throws IOException {
        String root = System.getenv("DEEPTOY_DATA");
        if (root == null) throw new IllegalStateException("set DEEPTOY_DATA to the folder holding mnist/");
        Path dir = Path.of(root, "mnist");
        byte[] pixels = idx(dir.resolve("train-images-idx3-ubyte.gz"), 2051, 3);
        byte[] labelBytes = idx(dir.resolve("train-labels-idx1-ubyte.gz"), 2049, 1);
        float[] x = new float[pixels.length], y = new float[labelBytes.length];
        for (int i = 0; i < x.length; i++) x[i] = (pixels[i] & 0xff) / 255f;
        for (int i = 0; i < y.length; i++) y[i] = labelBytes[i];
        return new float[][] {x, y};
    }

    private static byte[] idx(Path file, int magic, int dims) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            if (in.readInt() != magic) throw new IOException(file + ": not an IDX file with magic " + magic);
            long size = 1;
            for (int i = 0; i < dims; i++) size *= in.readInt();
            byte[] data = new byte[Math.toIntExact(size)];
            in.readFully(data);
            return data;
        }
    }
}
