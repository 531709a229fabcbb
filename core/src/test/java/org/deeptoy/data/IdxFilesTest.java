package org.deeptoy.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MNIST-format loading on tiny IDX files written by the test, valid and broken. */
class IdxFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainIdxFiles() {
        TestFiles.writeTinyMnist(dir, false);
        checkTiny(Datasets.mnist(dir));
    }

    @Test
    void readsGzipCompressedIdxFiles() {
        TestFiles.writeTinyMnist(dir, true);
        checkTiny(Datasets.mnist(dir));
    }

    @Test
    void findsTheFilesInAnMnistSubfolderOfTheGivenDirectory() {
        TestFiles.writeTinyMnist(dir.resolve("mnist"), true);
        checkTiny(Datasets.mnist(dir));
    }

    @Test
    void readsKaggleStyleFileNames() throws IOException {
        TestFiles.writeTinyMnist(dir, false);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) Files.move(p, dir.resolve(p.getFileName().toString().replace("-idx", ".idx")));
        }
        checkTiny(Datasets.mnist(dir));
    }

    private static void checkTiny(Split s) {
        assertArrayEquals(new int[] {3, 1, 28, 28}, s.train().x().shape());
        assertArrayEquals(new int[] {3, 1, 4}, s.train().labels());
        assertArrayEquals(new int[] {1, 5}, s.test().labels());
        double[] x = s.train().x().data();
        for (int i : new int[] {0, 1, 2}) {
            for (int k : new int[] {0, 1, 300, 783}) assertEquals(TestFiles.pixel(i, k), x[i * 784 + k]);
        }
        assertEquals(TestFiles.pixel(1, 5), s.test().x().get(1, 0, 0, 5));
    }

    @Test
    void rejectsAWrongMagicNumberAndNamesTheFile() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "train-images-idx3-ubyte", TestFiles.idxImages(2050, 3, 28, 28), false);
        assertMessage("train-images-idx3-ubyte: not an IDX image file: magic number is 2050", () -> Datasets.mnist(dir));
    }

    @Test
    void saysWhenImageAndLabelFilesAreSwapped() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "t10k-labels-idx1-ubyte", TestFiles.idxImages(2051, 2, 28, 28), false);
        assertMessage("this is an image file, are the file names swapped?", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsATruncatedImageFileWithTheCountOfWholeImages() {
        TestFiles.writeTinyMnist(dir, false);
        byte[] images = TestFiles.idxImages(2051, 3, 28, 28);
        TestFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, images.length - 100), false);
        assertMessage("train-images-idx3-ubyte: truncated: the header says 3 images of 28 x 28 = 2368 bytes, the file has "
                + "2268 bytes (2 whole images)", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsAFileShorterThanItsHeader() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "t10k-labels-idx1-ubyte", new byte[] {0, 0, 8}, false);
        assertMessage("t10k-labels-idx1-ubyte: truncated IDX label file: the header needs 8 bytes, the file has 3",
                () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsATruncatedGzipFile() {
        TestFiles.writeTinyMnist(dir, false);
        byte[] gz = TestFiles.gzip(TestFiles.idxImages(2051, 3, 28, 28));
        TestFiles.write(dir, "train-images-idx3-ubyte.gz", Arrays.copyOf(gz, gz.length - 30), false);
        deletePlain("train-images-idx3-ubyte");
        assertMessage("train-images-idx3-ubyte.gz: truncated gzip file", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsACorruptGzipFile() {
        TestFiles.writeTinyMnist(dir, false);
        byte[] gz = TestFiles.gzip(TestFiles.idxLabels(2049, 3, 1, 4));
        gz[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
        TestFiles.write(dir, "train-labels-idx1-ubyte.gz", gz, false);
        deletePlain("train-labels-idx1-ubyte");
        assertMessage("train-labels-idx1-ubyte.gz: corrupt gzip file", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsALabelOutOfRangeWithItsIndex() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "train-labels-idx1-ubyte", TestFiles.idxLabels(2049, 3, 12, 4), false);
        assertMessage("train-labels-idx1-ubyte: label 12 of example 1 (byte offset 9) is outside 0..9",
                () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsImageAndLabelCountsThatDiffer() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "t10k-labels-idx1-ubyte", TestFiles.idxLabels(2049, 1, 5, 7), false);
        assertMessage("t10k-images-idx3-ubyte holds 2 images but", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsALabelCountThatDisagreesWithTheFileSize() {
        TestFiles.writeTinyMnist(dir, false);
        byte[] labels = TestFiles.idxLabels(2049, 3, 1, 4);
        labels[7] = 4; // header says 4 labels, the file holds 3
        TestFiles.write(dir, "train-labels-idx1-ubyte", labels, false);
        assertMessage("train-labels-idx1-ubyte: truncated: the header says 4 labels (12 bytes), the file has 11 bytes",
                () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsImagesThatAreNot28x28() {
        TestFiles.writeTinyMnist(dir, false);
        TestFiles.write(dir, "train-images-idx3-ubyte", TestFiles.idxImages(2051, 3, 32, 32), false);
        assertMessage("train-images-idx3-ubyte: images are 32 x 32, expected 28 x 28", () -> Datasets.mnist(dir));
    }

    @Test
    void rejectsTrailingBytesAfterTheLastImage() {
        TestFiles.writeTinyMnist(dir, false);
        byte[] images = TestFiles.idxImages(2051, 3, 28, 28);
        TestFiles.write(dir, "train-images-idx3-ubyte", Arrays.copyOf(images, images.length + 5), false);
        assertMessage("train-images-idx3-ubyte: too long", () -> Datasets.mnist(dir));
    }

    private void deletePlain(String name) {
        try {
            Files.delete(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        DatasetException e = assertThrows(DatasetException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "expected the message to contain\n  " + expected
                + "\nbut it was\n  " + e.getMessage());
    }
}
