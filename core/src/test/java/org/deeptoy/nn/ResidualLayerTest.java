package org.deeptoy.nn;

import org.deeptoy.GradAssert;
import org.deeptoy.data.Dataset;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The residual block of the layer model: its graph (the skip), its gradients, saving and loading. */
class ResidualLayerTest {
    /** Two blocks: the first keeps 2 channels (skip = x), the second goes to 3 (skip = a 1×1 projection). */
    private static Cnn twoBlocks(boolean norm) {
        return Cnn.builder().input(2, 4, 4).blockNorm(norm).residual(2).residual(3).classes(3).seed(4).build();
    }

    private static Map<Connection, Tensor> feeds(Classifier m, long seed) {
        return Map.of(m.input(), Tensor.randomNormal(seed, 3, 2, 4, 4), m.labels(), Tensor.vector(0, 2, 1));
    }

    @Test
    void theSkipAddsTheBlockInputOrItsProjectionToF() {
        Cnn cnn = twoBlocks(true);
        assertEquals("Cnn [2, 4, 4] residual:2 residual:3 -> 3 classes, 380 parameters", cnn.toString());
        ComputationalGraph cg = cnn.graph();
        Node first = cg.find("F1(x) + x").producer();
        assertSame(cnn.input(), first.inputs().get(1), "block 1 adds its own input x");
        Node second = cg.find("F2(x) + K2s * x").producer();
        Node projection = second.inputs().get(1).producer();
        assertEquals("conv2d", projection.op());
        assertSame(cg.find("K2s"), projection.inputs().get(1));
        assertEquals(List.of(3, 2, 1, 1), box(cg.find("K2s").value().shape()));
        assertTrue(cnn.graph().toDot().contains("c" + cnn.input().id() + " -> c" + cg.find("F1(x) + x").id() + ";"),
                "the picture draws the skip from x to the addition");
        Cnn plain = Cnn.builder().input(2, 4, 4).plain(2).plain(3).classes(3).seed(4).build();
        assertEquals(null, plain.graph().find("F1(x) + x"));
        assertEquals(plain.parameterCount() + 6, cnn.parameterCount(), "the plain blocks have no projection");
    }

    @Test
    void gradientsAgreeWithFiniteDifferencesInBothPrecisions() {
        for (boolean norm : new boolean[] {true, false}) {
            Cnn cnn = twoBlocks(norm);
            ComputationalGraph cg = cnn.graph();
            Map<Connection, Tensor> feeds = feeds(cnn, 9);
            List<Connection> wrt = new ArrayList<>(cg.variables());
            wrt.add(cnn.input());
            String what = "residual block" + (norm ? "" : " (no batch norm)");
            GradAssert.assertTrainingGradients(what, cg, cnn.lossConnection(), feeds, wrt);
            if (!norm) GradAssert.assertGradients(what + " (inference)", cg, cnn.lossConnection(), feeds, wrt);
            // float32 (training's precision): differences of a float32 loss drown in rounding, so its gradients
            // are held against the float64 ones just checked, to float precision
            SimulationContext f64 = new SimulationContext().training(true).forward(cg, feeds).backward(cg, cnn.lossConnection());
            SimulationContext f32 = new SimulationContext().training(true).precision(Precision.FLOAT32).forward(cg, feeds)
                    .backward(cg, cnn.lossConnection());
            for (Connection c : wrt) {
                double[] want = f64.gradient(c).data(), got = f32.gradient(c).data();
                double scale = 1e-3;
                for (double v : want) scale = Math.max(scale, Math.abs(v));
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-4 * scale, what + " in float32: d loss / d " + c.label() + " at " + i);
                }
            }
        }
    }

    @Test
    void aSavedResidualNetworkLoadsAndPredictsTheSame(@TempDir Path dir) {
        Cnn cnn = Cnn.builder().input(2, 4, 4).residual(3).pool(2).blockNorm(false).residual(4).plain(4).dense(5).classes(3).seed(2).build();
        Random r = new Random(1);
        int[] labels = new int[24];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(3);
        Dataset d = new Dataset("random", Tensor.randomNormal(3, 24, 2, 4, 4), labels, List.of("a", "b", "c"));
        cnn.fit(d, new FitOptions().epochs(2).batchSize(8).verbose(false).flips(true).shifts(1));
        assertNotEquals(0.0, cnn.graph().find("runningMean1a").value().sum(), "training moved the running mean");
        Path f = dir.resolve("resnet.dtm");
        cnn.save(f);
        Classifier back = Classifier.load(f);
        assertEquals(cnn.toString(), back.toString());
        assertEquals("Cnn [2, 4, 4] residual:3 pool:2 residual:4(no bn) plain:4(no bn) dense:5 -> 3 classes, 824 parameters",
                back.toString());
        assertArrayEquals(cnn.scores(d.x()).data(), back.scores(d.x()).data(), "same weights and running statistics");
    }

    @Test
    void aBlockAfterADenseLayerIsExplained() {
        DeepToyException e = assertThrows(DeepToyException.class, () -> Cnn.builder().input(1, 4, 4).dense(3).residual(2));
        assertTrue(e.getMessage().contains("cannot follow a dense layer"), e.getMessage());
        e = assertThrows(DeepToyException.class, () -> Cnn.builder().input(1, 4, 4).residual(0));
        assertTrue(e.getMessage().contains("channels must be positive"), e.getMessage());
    }

    private static List<Integer> box(int[] a) {
        List<Integer> l = new ArrayList<>();
        for (int v : a) l.add(v);
        return l;
    }
}
