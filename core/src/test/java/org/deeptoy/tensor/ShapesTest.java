package org.deeptoy.tensor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesTest {

    @Test
    void broadcastFollowsNumpy() {
        assertArrayEquals(new int[] {3, 4}, Shapes.broadcast(new int[] {3, 4}, new int[] {4}));
        assertArrayEquals(new int[] {3, 4}, Shapes.broadcast(new int[] {3, 1}, new int[] {1, 4}));
        assertArrayEquals(new int[] {2, 3, 4}, Shapes.broadcast(new int[] {2, 1, 4}, new int[] {3, 1}));
        assertArrayEquals(new int[] {5}, Shapes.broadcast(new int[] {}, new int[] {5}));
        assertArrayEquals(new int[] {}, Shapes.broadcast(new int[] {}, new int[] {}));
        assertArrayEquals(new int[] {0, 3}, Shapes.broadcast(new int[] {0, 1}, new int[] {1, 3}));
        assertNull(Shapes.broadcast(new int[] {2, 3}, new int[] {4}));
        assertNull(Shapes.broadcast(new int[] {2, 3}, new int[] {3, 3}));
    }

    @Test
    void broadcastsToIsOneWay() {
        assertTrue(Shapes.broadcastsTo(new int[] {4}, new int[] {3, 4}));
        assertFalse(Shapes.broadcastsTo(new int[] {3, 4}, new int[] {4}));
        assertFalse(Shapes.broadcastsTo(new int[] {3, 1}, new int[] {1, 4}));
    }

    @Test
    void expandRepeatsValues() {
        Tensor col = Tensor.of(new double[] {1, 2}, 2, 1);
        assertEquals(Tensor.matrix(new double[] {1, 1, 1}, new double[] {2, 2, 2}), Shapes.expand(col, new int[] {2, 3}));
        assertEquals(Tensor.matrix(new double[] {1, 2}, new double[] {1, 2}), Shapes.expand(Tensor.vector(1, 2), new int[] {2, 2}));
        assertEquals(Tensor.full(7, 2, 2), Shapes.expand(Tensor.scalar(7), new int[] {2, 2}));
    }

    @Test
    void sumToIsTheReverseOfBroadcasting() {
        Tensor g = Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        assertEquals(Tensor.vector(5, 7, 9), Shapes.sumTo(g, new int[] {3}));
        assertEquals(Tensor.matrix(new double[] {5, 7, 9}), Shapes.sumTo(g, new int[] {1, 3}));
        assertEquals(Tensor.of(new double[] {6, 15}, 2, 1), Shapes.sumTo(g, new int[] {2, 1}));
        assertEquals(Tensor.scalar(21), Shapes.sumTo(g, new int[] {}));
        assertEquals(Tensor.of(new double[] {21}, 1, 1), Shapes.sumTo(g, new int[] {1, 1}));
        assertEquals(g, Shapes.sumTo(g, new int[] {2, 3}));
        // [2, 3, 2] summed to [3, 1]: over axis 0 and the last axis.
        Tensor t = Tensor.arange(12).reshape(2, 3, 2);
        assertEquals(Tensor.of(new double[] {0 + 1 + 6 + 7, 2 + 3 + 8 + 9, 4 + 5 + 10 + 11}, 3, 1), Shapes.sumTo(t, new int[] {3, 1}));
    }

    @Test
    void stridesUnravelAndSizes() {
        assertArrayEquals(new int[] {12, 4, 1}, Shapes.strides(new int[] {2, 3, 4}));
        assertArrayEquals(new int[] {1, 2, 3}, Shapes.unravel(23, new int[] {2, 3, 4}));
        assertArrayEquals(new int[] {}, Shapes.unravel(0, new int[] {}));
        assertEquals(24, Shapes.size(new int[] {2, 3, 4}));
        assertEquals(1, Shapes.size(new int[] {}));
        assertThrows(IllegalArgumentException.class, () -> Shapes.checkedSize(new int[] {100_000, 100_000}));
    }

    @Test
    void axisNormalisesNegativeAxesAndNamesTheCaller() {
        assertEquals(2, Shapes.axis(-1, 3, "f"));
        assertEquals(0, Shapes.axis(0, 3, "f"));
        String m = assertThrows(IllegalArgumentException.class, () -> Shapes.axis(3, 3, "reduceSum")).getMessage();
        assertEquals("reduceSum: axis 3 is out of range for a tensor with 3 axes", m);
        assertThrows(IllegalArgumentException.class, () -> Shapes.axis(-4, 3, "f"));
    }

    @Test
    void broadcastIndexMapsOutputPositionsToInputPositions() {
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, Shapes.broadcastIndex(new int[] {3}, new int[] {2, 3}));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, Shapes.broadcastIndex(new int[] {2, 1}, new int[] {2, 3}));
        assertArrayEquals(new int[] {0, 0, 0, 0}, Shapes.broadcastIndex(new int[] {}, new int[] {2, 2}));
    }
}
