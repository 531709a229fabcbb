package org.deeptoy.bench;

import org.deeptoy.data.Dataset;
import org.deeptoy.data.Datasets;
import org.deeptoy.data.Scaler;
import org.deeptoy.data.Split;
import org.deeptoy.nn.Classifier;
import org.deeptoy.nn.Cnn;
import org.deeptoy.nn.FitOptions;
import org.deeptoy.nn.History;
import org.deeptoy.nn.LinearSvm;
import org.deeptoy.nn.Mlp;
import org.deeptoy.optim.Adam;
import org.deeptoy.optim.Optimizer;
import org.deeptoy.optim.Schedule;
import org.deeptoy.optim.Sgd;
import org.deeptoy.tensor.Blas;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains each course model on its full real dataset and prints one row per model, then
 * {@code targets met: N of M}. The recipes here are the ones the notebooks use.
 * Arguments: names of rows to run (iris-svm iris-mlp mnist-mlp mnist-cnn cifar-svm cifar-mlp cifar-cnn cifar-two-layer
 * cifar-resnet attention; default all).
 */
public final class Targets {
    /** One model's result; {@code maxSeconds} bounds its whole training where the target has a time (else infinity). */
    private record Row(String dataset, String model, int epochs, double accuracy, double target, double secondsPerEpoch,
                       long peakHeapMb, double trainingSeconds, double maxSeconds) {
        Row(String dataset, String model, int epochs, double accuracy, double target, double secondsPerEpoch, long peakHeapMb) {
            this(dataset, model, epochs, accuracy, target, secondsPerEpoch, peakHeapMb, 0, Double.POSITIVE_INFINITY);
        }

        boolean met() {
            return accuracy >= target && trainingSeconds <= maxSeconds;
        }
    }

    private static final List<Row> rows = new ArrayList<>();
    private static Dataset mnistTrain, mnistTest;

    public static void main(String[] args) {
        List<String> which = args.length == 0
                ? List.of("iris-svm", "iris-mlp", "mnist-mlp", "mnist-cnn", "cifar-svm", "cifar-mlp", "cifar-cnn", "cifar-two-layer",
                "cifar-resnet", "attention") : List.of(args);
        System.out.println("backend: " + Blas.current().name() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        for (String w : which) {
            resetPeak();
            switch (w) {
                case "iris-svm" -> irisSvm();
                case "iris-mlp" -> irisMlp();
                case "mnist-mlp" -> mnistMlp();
                case "mnist-cnn" -> mnistCnn();
                case "cifar-svm" -> cifarSvm();
                case "cifar-mlp" -> cifarMlp();
                case "cifar-cnn" -> cifarCnn();
                case "cifar-two-layer" -> cifarTwoLayer();
                case "attention" -> attention();
                case "cifar-resnet" -> cifarResnet();
                default -> throw new IllegalArgumentException("unknown row " + w);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-8s | %-38s | %6s | %8s | %6s | %9s | %9s |%n", "dataset", "model", "epochs",
                "test acc", "target", "s / epoch", "peak heap");
        System.out.println("|----------|----------------------------------------|--------|----------|--------|-----------|-----------|");
        int met = 0;
        for (Row r : rows) {
            boolean ok = r.met();
            if (ok) met++;
            System.out.printf(Locale.ROOT, "| %-8s | %-38s | %6d | %8.4f | %6.3f | %9.2f | %6d MB | %s%n", r.dataset, r.model,
                    r.epochs, r.accuracy, r.target, r.secondsPerEpoch, r.peakHeapMb, (ok ? "met" : "NOT met")
                    + (r.maxSeconds < Double.POSITIVE_INFINITY ? String.format(Locale.ROOT, " (training %.0f s, limit %.0f s)",
                    r.trainingSeconds, r.maxSeconds) : ""));
        }
        System.out.println("targets met: " + met + " of " + rows.size());
    }

    // ---- the six course models ------------------------------------------------------------------

    /** Iris is tiny: one split decides by a single flower, so the row reports the mean over 10 seeded 70/30 splits. */
    private static void irisSvm() {
        irisMeanOverSplits("LinearSvm l2 1e-2", seed -> {
            LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-2).seed(1).build();
            return new Recipe(svm, 200, 16, new Sgd(0.01).momentum(0.9));
        }, 0.97);
    }

    private static void irisMlp() {
        irisMeanOverSplits("Mlp 4-64-3 drop 0.3 l2 1e-2", seed -> {
            Mlp mlp = Mlp.builder().layers(4, 64, 3).dropout(0.3).l2(1e-2).seed(1).build();
            return new Recipe(mlp, 100, 16, new Adam(0.01));
        }, 0.97);
    }

    private record Recipe(Classifier model, int epochs, int batch, Optimizer optimizer) {}

    private static void irisMeanOverSplits(String name, java.util.function.LongFunction<Recipe> make, double target) {
        Dataset iris = Datasets.iris();
        double sum = 0, seconds = 0;
        StringBuilder each = new StringBuilder();
        int epochs = 0;
        for (long seed = 1; seed <= 10; seed++) {
            Split s = iris.split(0.3, seed);
            Recipe r = make.apply(seed);
            r.model.scaler(Scaler.standardize(s.train()));
            History h = r.model.fit(s.train(), new FitOptions().epochs(r.epochs).batchSize(r.batch).optimizer(r.optimizer)
                    .seed(seed).verbose(false));
            double acc = r.model.score(s.test());
            sum += acc;
            seconds += h.totalSeconds() / r.epochs;
            epochs = r.epochs;
            each.append(String.format(Locale.ROOT, " %.3f", acc));
        }
        System.out.printf(Locale.ROOT, "%nIris: %s, test accuracy on splits 1..10:%s, mean %.4f (target %.3f)%n", name, each,
                sum / 10, target);
        rows.add(new Row("Iris", name + ", 10 splits", epochs, sum / 10, target, seconds / 10, peakMb()));
    }

    private static void mnistMlp() {
        loadMnist();
        Mlp mlp = Mlp.builder().layers(784, 512, 256, 10).dropout(0.2).seed(1).build();
        mlp.scaler(Scaler.pixels());
        int epochs = intProp("mnist.mlp.epochs", 8);
        run("MNIST", "Mlp 784-512-256-10 drop 0.2 +shifts 1", mlp, new Split(mnistTrain, mnistTest), epochs, 64,
                new Adam(1e-3).schedule(Schedule.step(3, 0.3)), 1, 0.985);
    }

    private static void mnistCnn() {
        loadMnist();
        Cnn cnn = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).conv(32, 5).pool(2).dense(128).classes(10).seed(1).build();
        cnn.scaler(Scaler.pixels());
        int epochs = intProp("mnist.cnn.epochs", 4);
        run("MNIST", "Cnn c16x5 p2 c32x5 p2 d128", cnn, new Split(mnistTrain, mnistTest), epochs, 64,
                new Adam(1e-3).schedule(Schedule.step(2, 0.3)), 0, 0.990);
    }

    /**
     * The recipe chosen on validation photos in notebook 7b: standardised pixels, training photos plus
     * their mirrors, each moved by up to 1 pixel at random in every epoch (16 epochs, halved every 4).
     */
    private static void cifarSvm() {
        Split s = cifar();
        LinearSvm svm = LinearSvm.builder().inputs(3072).classes(10).l2(1e-2).seed(1).build();
        svm.scaler(Scaler.standardize(s.train()));
        run("CIFAR-10", "LinearSvm 3072->10 +mirrors +shifts 1", svm, new Split(s.train().withMirrors(), s.test()),
                intProp("cifar.svm.epochs", 16), 200,
                new Sgd(1e-4).momentum(0.9).schedule(Schedule.step(4, 0.5)), 1, 0.40);
    }

    private static void cifarMlp() {
        Split s = cifar();
        Mlp mlp = Mlp.builder().layers(3072, 512, 10).l2(1e-4).seed(1).build();
        mlp.scaler(Scaler.standardize(s.train()));
        run("CIFAR-10", "Mlp 3072-512-10 l2 1e-4 +mirrors", mlp, new Split(s.train().withMirrors(), s.test()),
                intProp("cifar.mlp.epochs", 8), 128, new Adam(3e-4).schedule(Schedule.step(3, 0.3)), 0, 0.56);
    }

    /** Notebook 8b's CNN: three conv 3x3 blocks with batch norm, per-channel standardised photos. */
    private static void cifarCnn() {
        Split s = cifar();
        Cnn cnn = Cnn.builder().input(3, 32, 32).conv(16, 3).batchNorm().pool(2).conv(32, 3).batchNorm().pool(2)
                .conv(64, 3).batchNorm().pool(2).dense(128).classes(10).seed(1).build();
        cnn.scaler(Scaler.standardizePerChannel(s.train()));
        run("CIFAR-10", "Cnn c16bn p2 c32bn p2 c64bn p2 d128", cnn, s, intProp("cifar.cnn.epochs", 3), 64,
                new Adam(2e-3).schedule(Schedule.step(2, 0.3)), 0, 0.65);
    }

    /**
     * Notebook 7d's net of the student's own layers and SGD loop (the solutions version, {@link TwoLayerNet}): target
     * 0.50 within 3 minutes of training, so the row prints the training's wall and CPU time.
     */
    private static void cifarTwoLayer() {
        Split s = cifar();
        TwoLayerNet.Recipe r = TwoLayerNet.Recipe.notebook();
        System.out.println("\nCIFAR-10: notebook 7d's two-layer net of its own layers, " + r + ", " + s.train().size()
                + " training / " + s.test().size() + " test photos");
        TwoLayerNet.Result res = TwoLayerNet.train(s.train().flatten(), s.test().flatten(), r);
        System.out.printf(Locale.ROOT, "CIFAR-10 two-layer net: test accuracy %.4f (target 0.500), training %.1f s (target at most"
                + " 180 s; CPU: training thread %.1f s, process %.1f s)%n", res.testAccuracy(), res.seconds(),
                res.threadCpuSeconds(), res.processCpuSeconds());
        rows.add(new Row("CIFAR-10", "own layers 3072-" + r.hidden() + "-10 (7d), " + Math.round(res.seconds()) + " s",
                r.epochs(), res.testAccuracy(), 0.50, res.seconds() / r.epochs(), peakMb(), res.seconds(), 180));
    }

    /**
     * Notebook 10's transformer reversing 8 digits ({@link ReverseDigits}): one "epoch" is the whole run of
     * 300 steps, which must take at most 3 minutes; the accuracy is the share of held-out sequences exactly right.
     */
    private static void attention() {
        ReverseDigits.Result r = new ReverseDigits().train(intProp("attention.steps", 300));
        System.out.printf(Locale.ROOT, "%nDigits: transformer reversing 8 digits, %d steps: training %.1f s (target <= 180 s),"
                + " held-out sequences exactly right %.4f (target 0.950), digits right %.4f%n", r.steps(), r.seconds(),
                r.sequences(), r.digits());
        rows.add(new Row("digits", "Transformer 1 block D32 h2, reverse 8", 1, r.sequences(), 0.95, r.seconds(), peakMb(),
                r.seconds(), 180));
    }

    /**
     * Notebook 8d's best model, a small ResNet (after Page's ResNet-9 for DAWNBench, narrower): a stem
     * conv, conv + pool with a residual block, conv + pool, conv + pool with a residual block, a max-pool
     * over the last 4 × 4 and the scores; per-channel standardised photos moved by up to 2 pixels and
     * mirrored at random; Adam with cosine annealing. Target: 0.80 in at most 10 minutes of training.
     */
    private static void cifarResnet() {
        Split s = cifar();
        int w = intProp("cifar.resnet.width", 8), epochs = intProp("cifar.resnet.epochs", 10);
        Cnn net = Cnn.builder().input(3, 32, 32)
                .conv(w, 3).batchNorm()
                .conv(2 * w, 3).batchNorm().pool(2).residual(2 * w)
                .conv(4 * w, 3).batchNorm().pool(2)
                .conv(8 * w, 3).batchNorm().pool(2).residual(8 * w)
                .pool(4).classes(10).seed(1).build();
        net.scaler(Scaler.standardizePerChannel(s.train()));
        Optimizer opt = new Adam(Double.parseDouble(System.getProperty("cifar.resnet.rate", "4e-3"))).schedule(Schedule.cosine(epochs));
        FitOptions o = new FitOptions().epochs(epochs).batchSize(intProp("cifar.resnet.batch", 128)).optimizer(opt).seed(7)
                .shifts(2).flips(true).verbose(true);
        System.out.println("\nCIFAR-10: " + net + ", " + s.train().size() + " training / " + s.test().size() + " test examples, " + o
                + ", load average " + loadAverage());
        long cpu = processCpuNanos();
        History h = net.fit(s.train(), o);
        double cpuSeconds = (processCpuNanos() - cpu) / 1e9, acc = net.score(s.test());
        System.out.printf(Locale.ROOT, "CIFAR-10 test accuracy %.4f (target %.3f), training %.0f s (limit 600 s), process CPU %.0f s, "
                + "load average %s%n", acc, 0.80, h.totalSeconds(), cpuSeconds, loadAverage());
        rows.add(new Row("CIFAR-10", "ResNet w" + w + " +shifts 2 +flips cosine", h.epochs().size(), acc, 0.80,
                h.totalSeconds() / h.epochs().size(), peakMb(), h.totalSeconds(), 600));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * Trains {@code model} (in the table as {@code label}, at most 38 characters; the header line gives it whole)
     * with the images moved by up to {@code shifts} pixels at random (0: as they are).
     */
    private static void run(String dataset, String label, Classifier model, Split s, int epochs, int batch, Optimizer opt,
                            int shifts, double target) {
        System.out.println("\n" + dataset + ": " + model + ", " + s.train().size() + " training / " + s.test().size()
                + " test examples, " + opt + (shifts > 0 ? ", shifts " + shifts : ""));
        History h = model.fit(s.train(), new FitOptions().epochs(epochs).batchSize(batch).optimizer(opt).seed(7).shifts(shifts)
                .verbose(true));
        double acc = model.score(s.test());
        System.out.printf(Locale.ROOT, "%s test accuracy %.4f (target %.3f)%n", dataset, acc, target);
        rows.add(new Row(dataset, label, h.epochs().size(), acc, target, h.totalSeconds() / h.epochs().size(), peakMb()));
    }

    private static void loadMnist() {
        if (mnistTrain == null) {
            Split s = Datasets.mnist();
            mnistTrain = s.train();
            mnistTest = s.test();
        }
    }

    private static Split cifar() {
        mnistTrain = mnistTest = null;
        return Datasets.cifar10();
    }

    private static int intProp(String name, int dflt) {
        return Integer.getInteger(name, dflt);
    }

    private static void resetPeak() {
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
    }

    private static long peakMb() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
        }
        return sum >> 20;
    }
}
