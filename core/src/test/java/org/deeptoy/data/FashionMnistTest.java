package org.deeptoy.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fashion-MNIST wherever the locator finds it without downloading (here: Debian's dataset-fashion-mnist). */
class FashionMnistTest {
    @Test
    void hasTenBalancedClothingClasses() {
        DataLocator offline = new DataLocator(null, System.getenv("DEEPTOY_DATA") == null ? null
                : java.nio.file.Path.of(System.getenv("DEEPTOY_DATA")), DataLocator.fromEnvironment().cache(),
                List.of(java.nio.file.Path.of("/usr/share/datasets")), null, false, s -> { });
        Split f;
        try {
            f = Datasets.fashionMnist(offline, null);
        } catch (DatasetException e) {
            assumeTrue(false, "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist): " + e.getMessage());
            return;
        }
        assertArrayEquals(new int[] {60000, 1, 28, 28}, f.train().x().shape());
        assertArrayEquals(new int[] {10000, 1, 28, 28}, f.test().x().shape());
        int[] counts = new int[10];
        Arrays.fill(counts, 6000);
        assertArrayEquals(counts, f.train().classCounts());
        assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(f.train().labels(), 10));
        assertArrayEquals(new int[] {9, 2, 1, 1, 6, 1, 4, 6, 5, 7}, Arrays.copyOf(f.test().labels(), 10));
        assertEquals("Ankle boot", f.train().className(9));
        assertEquals(76247, f.train().example(0).sum());
    }
}
