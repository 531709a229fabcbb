package org.deeptoy.data;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Standardising and rescaling with statistics of the training set only. */
class ScalerTest {
    private static Dataset rows(double[]... rows) {
        return new Dataset("toy", Tensor.matrix(rows), new int[rows.length], List.of("only"));
    }

    @Test
    void standardizeUsesTheTrainingMeanAndStandardDeviation() {
        Dataset train = rows(new double[] {1, 10, 5}, new double[] {3, 30, 5});
        Scaler s = Scaler.standardize(train);
        assertEquals(Tensor.matrix(new double[] {-1, -1, 0}, new double[] {1, 1, 0}), s.apply(train).x());
        // the test set is shifted and scaled by the training statistics, not its own
        Dataset test = rows(new double[] {5, 20, 6});
        assertTrue(Tensor.matrix(new double[] {3, 0, 1}).allClose(s.apply(test).x(), 1e-12));
        assertEquals(Tensor.vector(2, 20, 5), s.shift());
        assertEquals(Tensor.vector(1, 10, 1), s.scale(), "a constant feature keeps scale 1");
    }

    @Test
    void minMaxMapsTheTrainingRangeToZeroOne() {
        Dataset train = rows(new double[] {0, 4}, new double[] {255, 4}, new double[] {51, 4});
        Scaler s = Scaler.minMax(train);
        assertEquals(Tensor.matrix(new double[] {0, 0}, new double[] {1, 0}, new double[] {0.2, 0}), s.apply(train).x());
        assertEquals(Tensor.matrix(new double[] {2, 1}), s.apply(rows(new double[] {510, 5})).x());
    }

    @Test
    void pixelsDividesBy255WhateverTheShape() {
        Tensor x = Tensor.of(new double[] {0, 51, 255, 102}, 1, 1, 2, 2);
        assertEquals(Tensor.of(new double[] {0, 0.2, 1, 0.4}, 1, 1, 2, 2), Scaler.pixels().apply(x));
    }

    @Test
    void standardizePerChannelPoolsAllPixelsOfAChannel() {
        // 2 images [2 channels, 1 x 2]; channel 0 holds 0, 2, 4, 6 (mean 3, std sqrt 5), channel 1 always 7
        Tensor x = Tensor.of(new double[] {0, 2, 7, 7, 4, 6, 7, 7}, 2, 2, 1, 2);
        Dataset train = new Dataset("img", x, new int[2], List.of("only"));
        Tensor y = Scaler.standardizePerChannel(train).apply(x);
        double r5 = Math.sqrt(5);
        assertTrue(Tensor.of(new double[] {-3 / r5, -1 / r5, 0, 0, 1 / r5, 3 / r5, 0, 0}, 2, 2, 1, 2).allClose(y, 1e-12), y.toString());
        assertThrows(IllegalArgumentException.class, () -> Scaler.standardizePerChannel(rows(new double[] {1})));
    }

    @Test
    void refusesExamplesOfAnotherShape() {
        Scaler s = Scaler.standardize(rows(new double[] {1, 2}, new double[] {3, 4}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.apply(Tensor.zeros(5, 3)));
        assertEquals("Scaler.standardize was fitted on examples of shape [2] and cannot apply to examples of shape [3] "
                + "(a tensor of shape [5, 3])", e.getMessage());
    }

    @Test
    void applyToADatasetKeepsLabelsAndNames() {
        Dataset d = new Dataset("toy", Tensor.matrix(new double[] {1}, new double[] {3}), new int[] {1, 0}, List.of("a", "b"));
        Dataset scaled = Scaler.standardize(d).apply(d);
        assertArrayEquals(new int[] {1, 0}, scaled.labels());
        assertEquals("toy", scaled.name());
        assertEquals(List.of("a", "b"), scaled.classNames());
    }
}
