package org.deeptoy.data;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real MNIST files (DEEPTOY_DATA), loaded once; expected values from the dataset README and numpy. */
class MnistTest {
    private static Split mnist;

    @BeforeAll
    static void load() {
        TestFiles.realRoot();
        mnist = Datasets.mnist();
    }

    @AfterAll
    static void release() {
        mnist = null;
    }

    @Test
    void hasSixtyThousandTrainingAndTenThousandTestImagesOf28x28() {
        assertArrayEquals(new int[] {60000, 1, 28, 28}, mnist.train().x().shape());
        assertArrayEquals(new int[] {10000, 1, 28, 28}, mnist.test().x().shape());
        assertEquals(Datasets.DIGITS, mnist.train().classNames());
        assertEquals("MNIST train", mnist.train().name());
    }

    @Test
    void firstLabelsMatchTheReadme() {
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(mnist.train().labels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOf(mnist.test().labels(), 10));
    }

    @Test
    void labelCountsMatchTheReadme() {
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                mnist.train().classCounts());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, mnist.test().classCounts());
    }

    @Test
    void pixelsAreRawBytesWithKnownSums() {
        // sums computed independently with numpy from the same files
        assertEquals(27525, mnist.train().example(0).sum());
        assertEquals(20920, mnist.train().example(59999).sum());
        assertEquals(18454, mnist.test().example(0).sum());
        assertEquals(1567298545.0, mnist.train().x().sum());
        assertEquals(264923200.0, mnist.test().x().sum());
        assertEquals(255, mnist.train().x().max());
        assertEquals(0, mnist.train().x().min());
        double[] row14 = Arrays.copyOfRange(mnist.train().example(0).data(), 14 * 28 + 13, 14 * 28 + 19);
        assertArrayEquals(new double[] {81, 240, 253, 253, 119, 25}, row14);
    }

    @Test
    void rejectsATruncatedCopyOfTheRealImageFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path real = TestFiles.realRoot().resolve("mnist");
        for (String f : new String[] {"train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz"}) {
            Files.copy(real.resolve(f), tmp.resolve(f));
        }
        byte[] images = Files.readAllBytes(real.resolve("t10k-images-idx3-ubyte.gz"));
        Files.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 2));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.mnist(tmp));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz") && e.getMessage().contains("truncated gzip"),
                e.getMessage());
    }
}
