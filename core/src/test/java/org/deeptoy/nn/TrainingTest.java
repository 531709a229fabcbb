package org.deeptoy.nn;

import org.deeptoy.data.Dataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

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
}
