package org.deeptoy.nn;

import org.deeptoy.data.Dataset;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingTest {
    @Test
    void aThreadCountsAsTrainingOnlyWhileItsFitRuns() throws Exception {
        Thread me = Thread.currentThread();
        List<Boolean> seen = new ArrayList<>();
        boolean[] otherSeen = new boolean[1];
        Dataset xor = EstimatorTest.xor();
        assertFalse(Training.isRunning(me));
        Mlp.builder().layers(2, 4, 2).seed(1).build().fit(xor, new FitOptions().epochs(2).batchSize(4).verbose(false).listener(new TrainingListener() {
            @Override
            public void batchEnded(Progress p) {
                seen.add(Training.isRunning(me));
                Thread other = new Thread(() -> otherSeen[0] = Training.isRunning(Thread.currentThread()));
                other.start();
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }));
        assertEquals(List.of(true, true), seen);
        assertFalse(otherSeen[0], "a thread that does not run fit is not training");
        assertFalse(Training.isRunning(me), "the mark ends with fit");
    }

    @Test
    void theMarkEndsWhenFitThrows() {
        Thread me = Thread.currentThread();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Mlp.builder().layers(2, 4, 2).seed(1).build().fit(EstimatorTest.xor(), new FitOptions().epochs(1).batchSize(4).verbose(false)
                    .listener(new TrainingListener() {
                        @Override
                        public void batchEnded(Progress p) {
                            throw new IllegalStateException("listener failed");
                        }
                    })));
        assertTrue(e.getMessage().contains("listener failed"));
        assertFalse(Training.isRunning(me));
    }

    @Test
    void shiftsMoveTheTrainingImagesSeededAndRefuseRowsOfFeatures() {
        // 8 images [1, 4, 4]: one lit pixel in column 0 (class 0) or column 3 (class 1).
        double[] v = new double[8 * 16];
        int[] labels = new int[8];
        for (int i = 0; i < 8; i++) {
            labels[i] = i % 2;
            v[16 * i + 4 * (i / 2) + (i % 2 == 0 ? 0 : 3)] = 1;
        }
        Dataset images = new Dataset("dots", Tensor.of(v, 8, 1, 4, 4), labels, List.of("left", "right"));
        java.util.function.IntFunction<double[]> trained = pixels -> {
            LinearSvm svm = LinearSvm.builder().inputs(16).classes(2).seed(1).build();
            svm.fit(images, new FitOptions().epochs(3).batchSize(4).seed(2).shifts(pixels).verbose(false));
            return svm.weights().value().data();
        };
        assertArrayEquals(trained.apply(1), trained.apply(1), "the same seed moves the images the same way");
        assertFalse(Arrays.equals(trained.apply(0), trained.apply(1)), "with shifts the SVM trains on moved images");
        Dataset flat = new Dataset("rows", Tensor.of(v, 8, 16), labels, List.of("left", "right"));
        DeepToyException e = assertThrows(DeepToyException.class, () -> LinearSvm.builder().inputs(16).classes(2).build()
                .fit(flat, new FitOptions().epochs(1).shifts(2).verbose(false)));
        assertTrue(e.getMessage().contains("shifts(2) moves images [C, H, W]") && e.getMessage().contains("rows have shape [16]"),
                e.getMessage());
    }
}
