package org.deeptoy.tensor;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    private static void assertContains(String part, String message) {
        assertTrue(message.contains(part), () -> "expected\n  " + part + "\nin\n  " + message);
    }

    // ---- factories ----------------------------------------------------------------------------

    @Test
    void ofCopiesTheDataAndWrapDoesNot() {
        double[] d = {1, 2, 3, 4, 5, 6};
        Tensor copied = Tensor.of(d, 2, 3), wrapped = Tensor.wrap(d, 3, 2);
        d[0] = 99;
        assertEquals(1, copied.get(0, 0));
        assertEquals(99, wrapped.get(0, 0));
        assertArrayEquals(new int[] {2, 3}, copied.shape());
        assertEquals(6, copied.get(1, 2));
        assertEquals(6, wrapped.get(2, 1));
    }

    @Test
    void ofRejectsAShapeThatDoesNotHoldTheData() {
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3)).getMessage();
        assertEquals("Tensor.of: shape [2, 3] holds 6 values but 5 were given", m);
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void scalarsVectorsAndMatrices() {
        Tensor s = Tensor.scalar(2.5);
        assertEquals(0, s.rank());
        assertArrayEquals(new int[0], s.shape());
        assertEquals(2.5, s.item());
        assertEquals(2.5, s.get());
        Tensor v = Tensor.vector(1, 2, 3);
        assertArrayEquals(new int[] {3}, v.shape());
        Tensor m = Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertEquals(4, m.get(1, 0));
        assertEquals(3, m.dim(-1));
        assertEquals(2, m.dim(0));
        String ragged = assertThrows(IllegalArgumentException.class,
                () -> Tensor.matrix(new double[] {1, 2}, new double[] {3})).getMessage();
        assertEquals("Tensor.matrix: row 1 has 1 values, row 0 has 2", ragged);
    }

    @Test
    void zerosOnesFullAndArange() {
        assertArrayEquals(new double[6], Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new double[] {1, 1, 1, 1}, Tensor.ones(2, 2).toArray());
        assertArrayEquals(new double[] {7, 7, 7}, Tensor.full(7, 3).toArray());
        assertArrayEquals(new double[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
        assertEquals(1, Tensor.zeros().size());
        assertEquals(0, Tensor.zeros(0, 3).size());
    }

    @Test
    void randomTensorsAreReproducibleForASeed() {
        assertEquals(Tensor.randomNormal(42, 3, 4), Tensor.randomNormal(42, 3, 4));
        assertNotEquals(Tensor.randomNormal(42, 3, 4), Tensor.randomNormal(43, 3, 4));
        assertEquals(Tensor.randomUniform(7, -1, 1, 5), Tensor.randomUniform(7, -1, 1, 5));
    }

    @Test
    void randomTensorsHaveTheRequestedDistribution() {
        Tensor n = Tensor.randomNormal(new java.util.Random(1), 3, 2, 100_000);
        double mean = n.mean(), var = 0;
        for (double v : n.data()) var += (v - mean) * (v - mean);
        assertEquals(3, mean, 0.03);
        assertEquals(2, Math.sqrt(var / n.size()), 0.03);
        Tensor u = Tensor.randomUniform(2, -1, 3, 10_000);
        assertTrue(u.min() >= -1 && u.max() < 3);
        assertEquals(1, u.mean(), 0.05);
    }

    // ---- access -------------------------------------------------------------------------------

    @Test
    void getWithTheWrongNumberOfAxesNamesTheShape() {
        Tensor m = Tensor.zeros(2, 3);
        String m1 = assertThrows(IllegalArgumentException.class, () -> m.get(1)).getMessage();
        assertEquals("get: index [1] has 1 axes but the tensor has shape [2, 3]", m1);
        String m2 = assertThrows(IndexOutOfBoundsException.class, () -> m.get(1, 3)).getMessage();
        assertEquals("get: index [1, 3] is outside shape [2, 3] (axis 1)", m2);
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> m.dim(2));
    }

    @Test
    void itemNeedsExactlyOneValue() {
        assertEquals(5, Tensor.of(new double[] {5}, 1, 1).item());
        String m = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 3).item()).getMessage();
        assertEquals("item(): the tensor has shape [2, 3] (6 values); item() needs exactly one value", m);
    }

    @Test
    void toArrayIsACopy() {
        Tensor v = Tensor.vector(1, 2);
        v.toArray()[0] = 9;
        assertEquals(1, v.get(0));
    }

    @Test
    void withChangesOneValueInACopy() {
        Tensor m = Tensor.zeros(2, 2);
        Tensor n = m.with(5, 1, 0);
        assertEquals(0, m.get(1, 0));
        assertEquals(5, n.get(1, 0));
    }

    @Test
    void reshapeKeepsValuesAndResolvesMinusOne() {
        Tensor x = Tensor.arange(6);
        Tensor r = x.reshape(2, -1);
        assertArrayEquals(new int[] {2, 3}, r.shape());
        assertEquals(5, r.get(1, 2));
        assertArrayEquals(new int[] {6}, r.reshape(-1).shape());
        String m = assertThrows(IllegalArgumentException.class, () -> x.reshape(4)).getMessage();
        assertEquals("reshape [6] -> [4]: 6 values cannot become 4", m);
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, -1));
    }

    @Test
    void sliceRowsGatherAndArgmax() {
        Tensor m = Tensor.matrix(new double[] {1, 2}, new double[] {3, 4}, new double[] {5, 6});
        assertEquals(Tensor.vector(3, 4), m.slice(1));
        assertEquals(Tensor.matrix(new double[] {3, 4}, new double[] {5, 6}), m.rows(1, 3));
        assertEquals(0, m.rows(2, 2).size());
        assertEquals(Tensor.matrix(new double[] {5, 6}, new double[] {1, 2}, new double[] {5, 6}), m.gather(new int[] {2, 0, 2}));
        assertEquals(Tensor.matrix(new double[] {1, 2}), m.gather(new int[] {2, 0, 2}, 1, 2));
        assertArrayEquals(new int[] {1, 1, 1}, m.argmaxRows());
        assertArrayEquals(new int[] {0, 2}, Tensor.matrix(new double[] {9, 1, 2}, new double[] {0, 1, 2}).argmaxRows());
    }

    @Test
    void sliceRowsAndGatherRejectBadIndicesClearly() {
        Tensor m = Tensor.zeros(3, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> m.slice(3));
        assertThrows(IllegalStateException.class, () -> Tensor.scalar(1).slice(0));
        assertThrows(IndexOutOfBoundsException.class, () -> m.rows(2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> m.rows(2, 1));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {0, 3}));
        assertEquals(IndexOutOfBoundsException.class, e.getClass(), "not a raw ArrayIndexOutOfBoundsException");
        assertEquals("gather: index 3 (at position 1) is outside the 3 rows of a tensor of shape [3, 2]", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {-1}));
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {0, 1}, 1, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {0, 1}, 2, 1));
        assertThrows(IllegalStateException.class, () -> Tensor.scalar(1).gather(new int[] {0}));
    }

    @Test
    void summaries() {
        Tensor m = Tensor.matrix(new double[] {1, -2}, new double[] {3, 6});
        assertEquals(8, m.sum());
        assertEquals(2, m.mean());
        assertEquals(6, m.max());
        assertEquals(-2, m.min());
        assertEquals(-1, m.firstNonFinite());
        assertEquals(3, Tensor.vector(0, 1, 2, Double.NaN).firstNonFinite());
        assertArrayEquals(new int[] {1, 0}, m.unravel(2));
    }

    // ---- comparison and printing ----------------------------------------------------------------

    @Test
    void allCloseComparesShapesAndValuesWithinTolerance() {
        Tensor a = Tensor.vector(1, 2, 3);
        assertTrue(a.allClose(Tensor.vector(1, 2, 3 + 1e-9), 1e-8));
        assertFalse(a.allClose(Tensor.vector(1, 2, 3 + 1e-6), 1e-8));
        assertFalse(a.allClose(Tensor.of(new double[] {1, 2, 3}, 3, 1), 1));
        assertFalse(Tensor.vector(Double.NaN).allClose(Tensor.vector(Double.NaN), 1));
        assertTrue(Tensor.vector(Double.POSITIVE_INFINITY).allClose(Tensor.vector(Double.POSITIVE_INFINITY), 0));
        // Relative for large values: 1e6 and 1e6 + 0.5 differ by 5e-7 of their size.
        assertTrue(Tensor.scalar(1e6).allClose(Tensor.scalar(1e6 + 0.5), 1e-6));
        assertFalse(Tensor.scalar(1e-3).allClose(Tensor.scalar(2e-3), 1e-4));
    }

    @Test
    void equalsComparesShapeAndValues() {
        assertEquals(Tensor.vector(1, 2), Tensor.of(new double[] {1, 2}, 2));
        assertEquals(Tensor.vector(1, 2).hashCode(), Tensor.of(new double[] {1, 2}, 2).hashCode());
        assertNotEquals(Tensor.vector(1, 2), Tensor.of(new double[] {1, 2}, 1, 2));
    }

    @Test
    void toStringLooksLikeNumpy() {
        assertEquals("tensor(3.)", Tensor.scalar(3).toString());
        assertEquals("tensor([ 1., 2.5], shape=[2])", Tensor.vector(1, 2.5).toString());
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], shape=[2, 2])",
                Tensor.matrix(new double[] {1, 2}, new double[] {3, 4}).toString());
        assertEquals("tensor([nan, inf, -inf], shape=[3])",
                Tensor.vector(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).toString().replace("  ", " ").replace("[ ", "["));
        assertEquals("tensor(1.2346e-07)", Tensor.scalar(1.23456e-7).toString());
        assertEquals("tensor(0.1235)", Tensor.scalar(0.123456).toString());
    }

    @Test
    void toStringUsesADecimalPointInEveryLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("tensor(0.5)", Tensor.scalar(0.5).toString());
            assertEquals("tensor(1.2346e-07)", Tensor.scalar(1.23456e-7).toString());
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void toStringTruncatesBigTensorsWithEllipsis() {
        assertFalse(Tensor.zeros(1000).toString().contains("..."));
        String big = Tensor.arange(1001).toString();
        assertTrue(big.startsWith("tensor([   0.,    1.,    2., ...,  998.,  999., 1000.], shape=[1001]"), big);
        String m = Tensor.arange(1600).reshape(40, 40).toString();
        assertContains("...", m);
        assertContains("shape=[40, 40]", m);
        assertTrue(m.length() < 400, () -> "a summary should be short, got " + m.length() + " characters:\n" + m);
        assertEquals(7, m.split("\n").length, m);     // three rows, "...", three rows
        assertTrue(Tensor.zeros(100, 100, 100).toString().length() < 2000);
    }

    @Test
    void hiddenValuesDoNotWidenTheColumns() {
        Tensor t = Tensor.arange(1001).with(-1234567.5, 500);
        assertEquals("tensor([   0.,    1.,    2., ...,  998.,  999., 1000.], shape=[1001])", t.toString());
    }
}
