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
    /** Counts the fits it hears running, as the kernel's lent watch does. */
    private static final class Watch implements TrainingListener {
        int running, started;

        @Override
        public void trainingStarted(Progress p) {
            running++;
            started++;
        }

        @Override
        public void trainingEnded(History h) {
            running--;
        }
    }

    @Test
    void theLentWatchHearsEveryFitWhileItRunsWhateverItsDisplay() throws Exception {
        Watch watch = new Watch();
        List<Integer> seen = new ArrayList<>();
        TrainingListener probe = new TrainingListener() {
            @Override
            public void batchEnded(Progress p) {
                seen.add(watch.running);
            }
        };
        Dataset xor = EstimatorTest.xor();
        Mlp mlp = Mlp.builder().layers(2, 4, 2).seed(1).build();
        LiveDisplay.during(null, watch, () -> {
            mlp.fit(xor, new FitOptions().epochs(1).batchSize(4).verbose(false).listener(probe));
            mlp.fit(xor, new FitOptions().epochs(1).batchSize(4).verbose(false).live(false).listener(probe));
            return mlp.fit(xor, new FitOptions().epochs(1).batchSize(4).verbose(false).display(() -> null).listener(probe));
        });
        assertEquals(List.of(1, 1, 1), seen, "running during each fit, with the lent display, none, or its own");
        assertEquals(3, watch.started);
        assertEquals(0, watch.running, "each fit's end heard");
        mlp.fit(xor, new FitOptions().epochs(1).batchSize(4).verbose(false));
        assertEquals(3, watch.started, "nothing lent outside during()");
    }

    @Test
    void theWatchHearsTheEndWhenFitOrAListenerThrows() throws Exception {
        Watch watch = new Watch();
        TrainingListener failing = new TrainingListener() {
            @Override
            public void trainingStarted(Progress p) {
                throw new IllegalStateException("listener failed");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LiveDisplay.during(null, watch,
                () -> Mlp.builder().layers(2, 4, 2).seed(1).build().fit(EstimatorTest.xor(),
                        new FitOptions().epochs(1).batchSize(4).verbose(false).listener(failing))));
        assertTrue(e.getMessage().contains("listener failed"));
        assertEquals(1, watch.started);
        assertEquals(0, watch.running);
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
