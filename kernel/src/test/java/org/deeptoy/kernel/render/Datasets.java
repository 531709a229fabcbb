package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of MNIST and CIFAR-10 for renderer tests (the real loaders live in core's data
 * package): the first n images as raw 0..255 values, from the directory in DEEPTOY_DATA.
 */
final class Datasets {
    private Datasets() {}

    static Path dir(String name) {
        String root = System.getenv("DEEPTOY_DATA");
        Assumptions.assumeTrue(root != null && !root.isBlank(), "DEEPTOY_DATA is not set");
        Path p = Path.of(root, name);
        Assumptions.assumeTrue(Files.isDirectory(p), p + " is missing");
        return p;
    }

    /** [n, 28, 28] MNIST test digits and their labels. */
    static Tensor mnist(int n, int[] labels) throws IOException {
        Path d = dir("mnist");
        double[] px = new double[n * 784];
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(d.resolve("t10k-images-idx3-ubyte.gz"))))) {
            if (in.readInt() != 2051) throw new IOException("not an IDX image file");
            in.readInt();
            in.readInt();
            in.readInt();
            for (int i = 0; i < px.length; i++) px[i] = in.readUnsignedByte();
        }
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(d.resolve("t10k-labels-idx1-ubyte.gz"))))) {
            if (in.readInt() != 2049) throw new IOException("not an IDX label file");
            in.readInt();
            for (int i = 0; i < labels.length; i++) labels[i] = in.readUnsignedByte();
        }
        return Tensor.wrap(px, n, 28, 28);
    }

    /** [n, 3, 32, 32] CIFAR-10 test images and their labels. */
    static Tensor cifar(int n, int[] labels) throws IOException {
        Path d = dir("cifar-10");
        double[] px = new double[n * 3072];
        try (InputStream in = Files.newInputStream(d.resolve("test_batch.bin"))) {
            byte[] rec = new byte[3073];
            for (int i = 0; i < n; i++) {
                if (in.readNBytes(rec, 0, rec.length) != rec.length) throw new IOException("truncated CIFAR-10 batch");
                labels[i] = rec[0];
                for (int j = 0; j < 3072; j++) px[i * 3072 + j] = rec[j + 1] & 0xff;
            }
        }
        return Tensor.wrap(px, n, 3, 32, 32);
    }

    static String[] cifarNames() throws IOException {
        return Files.readAllLines(dir("cifar-10").resolve("batches.meta.txt")).stream()
                .filter(s -> !s.isBlank()).toArray(String[]::new);
    }
}
