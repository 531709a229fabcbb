package org.deeptoy.bench;

import org.deeptoy.data.Dataset;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.OpenBlas;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.Random;

/**
 * Seconds per epoch of a 784-256-10 ReLU MLP on the 60,000 MNIST training images (batch 128,
 * softmax cross-entropy, SGD lr 0.1, double) after a warm-up epoch, and the peak heap. Usage:
 * {@code SpeedBench [epochs]}; run by {@code bench/speed.sh} next to the numpy version.
 */
public final class SpeedBench {
    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Dataset train = MnistIdx.train();
        Blas blas = Blas.current();
        System.out.println("deeptoy backend: " + blas.name()
                + (blas instanceof OpenBlas o ? ", " + o.threads() + " thread(s)" : ""));
        Mlp mlp = new Mlp(784, 256, 10, 42);
        Random shuffle = new Random(42);
        mlp.epoch(train.x(), train.labels(), 128, 0.1, shuffle); // warm-up
        for (int e = 1; e <= epochs; e++) {
            long t = System.nanoTime();
            double loss = mlp.epoch(train.x(), train.labels(), 128, 0.1, shuffle);
            System.out.printf(Locale.ROOT, "deeptoy epoch %d: %.3f s  (mean loss %.4f)%n", e, (System.nanoTime() - t) / 1e9, loss);
        }
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peak += pool.getPeakUsage().getUsed();
        }
        System.out.printf(Locale.ROOT, "deeptoy peak heap: %d MB (sum of the heap pools' peaks; max heap %d MB)%n",
                peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
    }
}
