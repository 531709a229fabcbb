package org.deeptoy.data;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Splits, subsets, one-hot labels and mini-batches on small made-up datasets. */
class DatasetTest {
    /** n examples [n, 2] with x = (i, -i), sorted by class: counts[c] examples of class c. */
    private static Dataset sorted(int... counts) {
        int n = Arrays.stream(counts).sum();
        double[] x = new double[2 * n];
        int[] labels = new int[n];
        int i = 0;
        for (int c = 0; c < counts.length; c++) {
            for (int k = 0; k < counts[c]; k++, i++) {
                labels[i] = c;
                x[2 * i] = i;
                x[2 * i + 1] = -i;
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) names.add("c" + c);
        return new Dataset("toy", Tensor.wrap(x, n, 2), labels, names);
    }

    /** The original index of each example (stored in its first feature). */
    private static int[] ids(Dataset d) {
        int[] ids = new int[d.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = (int) d.x().get(i, 0);
        return ids;
    }

    @Test
    void withMirrorsAppendsEachImageFlippedLeftRightWithItsLabel() {
        // Two images [1, 2, 3]: rows (1 2 3 / 4 5 6) and (7 8 9 / 10 11 12).
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        List<String> names = List.of("a", "b");
        double[] want = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10};
        Dataset doubles = new Dataset("d", Tensor.of(v, 2, 1, 2, 3), new int[] {0, 1}, names).withMirrors();
        assertArrayEquals(new int[] {4, 1, 2, 3}, doubles.x().shape());
        assertArrayEquals(want, doubles.x().data());
        assertArrayEquals(new int[] {0, 1, 0, 1}, doubles.labels());
        byte[] bytes = new byte[12];
        for (int i = 0; i < 12; i++) bytes[i] = (byte) v[i];
        Dataset pixels = new Dataset("p", new Pixels(bytes, 0, 2, 1, 2, 3), new int[] {1, 0}, names).withMirrors();
        assertArrayEquals(want, pixels.x().data(), "pixel datasets mirror the same way");
        assertArrayEquals(new int[] {1, 0, 1, 0}, pixels.labels());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Dataset("flat", Tensor.of(v, 2, 6), new int[] {0, 1}, names).withMirrors());
        assertTrue(e.getMessage().contains("needs images [N, C, H, W]"), e.getMessage());
    }

    @Test
    void splitIsStratifiedDisjointAndCoversEveryExample() {
        Split s = sorted(50, 50, 50).split(0.3, 42);
        assertArrayEquals(new int[] {15, 15, 15}, s.test().classCounts());
        assertArrayEquals(new int[] {35, 35, 35}, s.train().classCounts());
        Set<Integer> seen = new HashSet<>();
        for (int id : ids(s.train())) assertTrue(seen.add(id));
        for (int id : ids(s.test())) assertTrue(seen.add(id));
        assertEquals(150, seen.size());
        for (Dataset d : List.of(s.train(), s.test())) {
            for (int i = 0; i < d.size(); i++) assertEquals(d.labels()[i], ids(d)[i] / 50, "labels travel with their rows");
        }
        assertEquals("toy train", s.train().name());
    }

    @Test
    void splitIsReproducibleForASeedAndDiffersAcrossSeeds() {
        Dataset d = sorted(40, 30, 30);
        assertArrayEquals(ids(d.split(0.25, 7).test()), ids(d.split(0.25, 7).test()));
        assertFalse(Arrays.equals(ids(d.split(0.25, 7).test()), ids(d.split(0.25, 8).test())));
    }

    @Test
    void splitRoundsPerClassSoTheTotalIsExact() {
        Split s = sorted(7, 5, 3).split(0.5, 1);
        assertEquals(8, s.test().size()); // round(7.5)
        int[] c = s.test().classCounts();
        for (int k = 0; k < 3; k++) assertTrue(Math.abs(c[k] - new int[] {7, 5, 3}[k] * 0.5) <= 0.5, Arrays.toString(c));
    }

    @Test
    void splitRejectsAFractionOutsideZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sorted(5, 5).split(30, 1));
        assertTrue(e.getMessage().contains("toy.split(30.0, seed): the test fraction must be between 0 and 1"));
    }

    @Test
    void firstKeepsTheFileOrder() {
        Dataset d = sorted(5, 5);
        assertArrayEquals(new int[] {0, 1, 2}, ids(d.first(3)));
        assertEquals(10, d.first(100).size());
    }

    @Test
    void stratifiedFirstTakesTheFirstExamplesOfEveryClassInProportion() {
        Dataset d = sorted(60, 30, 10);
        Dataset f = d.stratifiedFirst(10);
        assertArrayEquals(new int[] {6, 3, 1}, f.classCounts());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 60, 61, 62, 90}, ids(f));
    }

    @Test
    void subsetTakesRowsInTheGivenOrder() {
        Dataset s = sorted(3, 3).subset(new int[] {5, 0, 5});
        assertArrayEquals(new int[] {5, 0, 5}, ids(s));
        assertArrayEquals(new int[] {1, 0, 1}, s.labels());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> sorted(3, 3).subset(new int[] {6}));
        assertEquals("toy.subset: index 6 is not in 0..5", e.getMessage());
    }

    @Test
    void oneHotHasASingleOneAtTheLabel() {
        Tensor t = sorted(1, 2).oneHot();
        assertEquals(Tensor.matrix(new double[] {1, 0}, new double[] {0, 1}, new double[] {0, 1}), t);
        assertThrows(IllegalArgumentException.class, () -> Dataset.oneHot(new int[] {3}, 3));
    }

    @Test
    void batchesInOrderCoverTheDatasetWithASmallerLastBatch() {
        List<Batch> batches = new ArrayList<>();
        sorted(4, 3).batches(3).forEach(batches::add);
        assertEquals(List.of(3, 3, 1), batches.stream().map(Batch::size).toList());
        assertArrayEquals(new int[] {3, 2}, batches.get(1).x().shape());
        assertEquals(3, batches.get(1).x().get(0, 0));
        assertArrayEquals(new int[] {1}, batches.get(2).labels());
        assertEquals(Tensor.matrix(new double[] {0, 1}), batches.get(2).oneHot(2));
    }

    @Test
    void shuffledBatchesAreAPermutationNewEachEpochAndReproducibleFromTheSeed() {
        Dataset d = sorted(20, 20);
        Random r1 = new Random(3), r2 = new Random(3);
        int[] epoch1 = order(d.batches(8, r1)), epoch2 = order(d.batches(8, r1));
        assertArrayEquals(epoch1, order(d.batches(8, r2)));
        assertArrayEquals(epoch2, order(d.batches(8, r2)));
        assertNotEquals(Arrays.toString(epoch1), Arrays.toString(epoch2));
        int[] sortedIds = epoch1.clone();
        Arrays.sort(sortedIds);
        assertArrayEquals(ids(d), sortedIds);
    }

    private static int[] order(Iterable<Batch> batches) {
        List<Integer> ids = new ArrayList<>();
        for (Batch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                ids.add((int) b.x().get(i, 0));
                assertEquals(b.labels()[i], (int) b.x().get(i, 0) / 20);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void rejectsANonPositiveBatchSize() {
        assertThrows(IllegalArgumentException.class, () -> sorted(2).batches(0));
    }

    @Test
    void imageDatasetsStoredAsPixelBytesGiveTheSameTensorsAsDoubles() {
        byte[] b = new byte[3 + 10 * 2 * 3 * 2];
        new Random(5).nextBytes(b); // values above 127 too: read as 0..255
        double[] d = new double[b.length - 3];
        for (int i = 0; i < d.length; i++) d[i] = b[i + 3] & 0xff;
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
        List<String> classes = List.of("a", "b", "c");
        Dataset bytes = new Dataset("bytes", new Pixels(b, 3, 10, 2, 3, 2), labels, classes);
        Dataset doubles = new Dataset("doubles", Tensor.wrap(d, 10, 2, 3, 2), labels, classes);
        assertEquals(doubles.x(), bytes.x());
        assertArrayEquals(doubles.exampleShape(), bytes.exampleShape());
        assertEquals(doubles.example(7), bytes.example(7));
        assertEquals(doubles.first(4).x(), bytes.first(4).x());
        assertEquals(doubles.subset(new int[] {9, 2, 2}).x(), bytes.subset(new int[] {9, 2, 2}).x());
        assertEquals(doubles.flatten().x(), bytes.flatten().x());
        assertEquals(doubles.split(0.3, 4).test().x(), bytes.split(0.3, 4).test().x());
        List<Batch> fromDoubles = new ArrayList<>(), fromBytes = new ArrayList<>();
        doubles.batches(4, new Random(6)).forEach(fromDoubles::add);
        bytes.batches(4, new Random(6)).forEach(fromBytes::add);
        assertEquals(3, fromBytes.size());
        for (int k = 0; k < 3; k++) {
            assertEquals(fromDoubles.get(k).x(), fromBytes.get(k).x());
            assertArrayEquals(fromDoubles.get(k).labels(), fromBytes.get(k).labels());
        }
        assertEquals(Scaler.standardize(doubles).shift(), Scaler.standardize(bytes).shift());
        assertEquals(Scaler.minMax(doubles).scale(), Scaler.minMax(bytes).scale());
    }
}
