package org.deeptoy.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real CIFAR-10 binary files (DEEPTOY_DATA), loaded once; expected values from the README and numpy. */
class CifarTest {
    private static Split cifar;

    @BeforeAll
    static void load() {
        cifar = Datasets.cifar10(TestFiles.realRoot());
    }

    @AfterAll
    static void release() {
        cifar = null;
    }

    @Test
    void hasFiftyThousandTrainingAndTenThousandTestImagesInNchw() {
        assertArrayEquals(new int[] {50000, 3, 32, 32}, cifar.train().x().shape());
        assertArrayEquals(new int[] {10000, 3, 32, 32}, cifar.test().x().shape());
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                cifar.train().classNames());
    }

    @Test
    void labelsMatchTheReadme() {
        assertArrayEquals(new int[] {3, 8, 8, 0, 6, 6, 1, 6, 3, 1}, Arrays.copyOf(cifar.test().labels(), 10));
        assertArrayEquals(new int[] {6, 9, 9, 4, 1, 1, 2, 7, 8, 3}, Arrays.copyOf(cifar.train().labels(), 10));
        int[] all = new int[10];
        Arrays.fill(all, 1000);
        assertArrayEquals(all, cifar.test().classCounts());
        Arrays.fill(all, 5000);
        assertArrayEquals(all, cifar.train().classCounts());
        int[] batch4 = cifar.train().subset(range(30000, 40000)).classCounts();
        assertArrayEquals(new int[] {1003, 963, 1041, 976, 1004, 1021, 1004, 981, 1024, 983}, batch4);
        assertEquals("cat", cifar.test().className(cifar.test().labels()[0]));
    }

    @Test
    void colourPlanesOfKnownRecordsMatchPublishedValues() {
        double[] test0 = cifar.test().example(0).data();
        assertArrayEquals(new double[] {158, 159, 165, 166, 160}, Arrays.copyOfRange(test0, 0, 5));
        assertArrayEquals(new double[] {112, 111, 116, 118, 112}, Arrays.copyOfRange(test0, 1024, 1029));
        assertArrayEquals(new double[] {49, 47, 51, 53, 46}, Arrays.copyOfRange(test0, 2048, 2053));
        assertArrayEquals(new double[] {59, 43, 50, 68, 98, 119, 139, 145},
                Arrays.copyOfRange(cifar.train().example(0).data(), 0, 8));
        assertEquals(332962, cifar.test().example(0).sum());
        assertEquals(405136, cifar.train().example(49999).sum());
        assertEquals(3733375634.0, cifar.test().x().sum());
    }

    @Test
    void rejectsATruncatedCopyOfTheRealTestBatch(@TempDir Path tmp) throws IOException {
        Path real = TestFiles.realRoot().resolve("cifar-10");
        for (int i = 1; i <= 5; i++) {
            Files.createSymbolicLink(tmp.resolve("data_batch_" + i + ".bin"), real.resolve("data_batch_" + i + ".bin"));
        }
        Files.copy(real.resolve("batches.meta.txt"), tmp.resolve("batches.meta.txt"));
        byte[] cut = new byte[9999 * 3073 + 1000];
        try (var in = Files.newInputStream(real.resolve("test_batch.bin"))) {
            in.readNBytes(cut, 0, cut.length);
        }
        Files.write(tmp.resolve("test_batch.bin"), cut);
        DatasetException e;
        try {
            e = assertThrows(DatasetException.class, () -> Datasets.cifar10(tmp));
        } finally {
            for (int i = 1; i <= 5; i++) Files.delete(tmp.resolve("data_batch_" + i + ".bin"));
        }
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("9999 whole records"),
                e.getMessage());
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
