package org.deeptoy.bench;

import org.deeptoy.data.Dataset;
import org.deeptoy.tensor.Tensor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of an MNIST reader for the benchmarks: the training set from
 * {@code $DEEPTOY_DATA/mnist} as [60000, 784] in [0, 1]. Stands in for {@code Datasets.mnist()}
 * until the dataset loaders land; then this class goes.
 */
final class MnistIdx {
    private MnistIdx() {}

    static Dataset train() throws IOException {
        String root = System.getenv("DEEPTOY_DATA");
        if (root == null) throw new IllegalStateException("set DEEPTOY_DATA to the folder holding mnist/");
        Path dir = Path.of(root, "mnist");
        byte[] pixels = read(dir.resolve("train-images-idx3-ubyte.gz"), 2051, 3);
        byte[] labelBytes = read(dir.resolve("train-labels-idx1-ubyte.gz"), 2049, 1);
        int n = labelBytes.length;
        if (pixels.length != n * 784) throw new IOException("MNIST: " + pixels.length + " pixels for " + n + " labels");
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) x[i] = (pixels[i] & 0xff) / 255.0;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = labelBytes[i];
        return new Dataset("MNIST train", Tensor.wrap(x, n, 784), labels,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"));
    }

    private static byte[] read(Path file, int magic, int dims) throws IOException {
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
