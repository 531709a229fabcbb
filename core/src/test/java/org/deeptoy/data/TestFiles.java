package org.deeptoy.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Writes small dataset files for tests, and finds the real ones through DEEPTOY_DATA. */
final class TestFiles {
    private TestFiles() {
    }

    /** The real datasets folder; skips the test when DEEPTOY_DATA is not set. */
    static Path realRoot() {
        String env = System.getenv("DEEPTOY_DATA");
        assumeTrue(env != null && !env.isBlank(),
                "DEEPTOY_DATA is not set: real-data tests skipped (set it to the folder holding iris/, mnist/, cifar-10/)");
        return Path.of(env);
    }

    /** A locator that only looks where the test says and logs into {@code log}. */
    static DataLocator locator(Path env, Path cache, List<Path> system, String mirror, boolean download,
                               Consumer<String> log) {
        return new DataLocator(null, env, cache, system, mirror, download, log);
    }

    /** An IDX image file: {@code count} images of rows x cols; pixel k of image i is {@code (i * 7 + k) % 256}. */
    static byte[] idxImages(int magic, int count, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < rows * cols; k++) b.put((byte) pixel(i, k));
        }
        return b.array();
    }

    static int pixel(int image, int k) {
        return (image * 7 + k) % 256;
    }

    static byte[] idxLabels(int magic, int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(labels.length);
        for (int l : labels) b.put((byte) l);
        return b.array();
    }

    /** Writes a tiny, valid MNIST folder: train labels 3 1 4, test labels 1 5. */
    static Path writeTinyMnist(Path dir, boolean gzip) {
        write(dir, "train-images-idx3-ubyte", idxImages(2051, 3, 28, 28), gzip);
        write(dir, "train-labels-idx1-ubyte", idxLabels(2049, 3, 1, 4), gzip);
        write(dir, "t10k-images-idx3-ubyte", idxImages(2051, 2, 28, 28), gzip);
        write(dir, "t10k-labels-idx1-ubyte", idxLabels(2049, 1, 5), gzip);
        return dir;
    }

    /** CIFAR-10 records: label, then 3072 pixels; pixel k of record i is {@code (i * 7 + k) % 256}. */
    static byte[] cifarRecords(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(labels.length * 3073);
        for (int i = 0; i < labels.length; i++) {
            b.put((byte) labels[i]);
            for (int k = 0; k < 3072; k++) b.put((byte) pixel(i, k));
        }
        return b.array();
    }

    static final String CIFAR_META = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

    /** A tiny CIFAR-10 folder: batch i holds labels i and i + 1 (mod 10), the test batch 9, 8, 7. */
    static Path writeTinyCifar(Path dir) {
        for (int i = 1; i <= 5; i++) write(dir, "data_batch_" + i + ".bin", cifarRecords(i, (i + 1) % 10), false);
        write(dir, "test_batch.bin", cifarRecords(9, 8, 7), false);
        write(dir, "batches.meta.txt", CIFAR_META.getBytes(), false);
        return dir;
    }

    static Path write(Path dir, String name, byte[] content, boolean gzip) {
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(gzip ? name + ".gz" : name);
            Files.write(p, gzip ? gzip(content) : content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(content);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
