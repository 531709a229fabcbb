package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout and batch norm: the ops whose result depends on the context's training mode. */
@ExtendWith(GradAssert.Report.class)
class ModeOpsTest {

    @Test
    void dropoutDropsAboutPAndKeepsTheMeanInTrainingAndIsTheIdentityAtInference() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor ones = Tensor.ones(200, 50);
        Connection x = cg.constant(ones, "x");
        Connection y = cg.dropout(x, 0.3);
        Tensor trained = new SimulationContext().training(true).seed(3).forward(cg).value(y);
        int zeros = 0;
        double sum = 0;
        for (double v : trained.data()) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.7, v, 1e-12, "kept values are scaled by 1/(1-p)");
            sum += v;
        }
        assertEquals(0.3, zeros / 10000.0, 0.02);
        assertEquals(1.0, sum / 10000, 0.03, "inverted dropout keeps the expected value");
        assertSame(ones, new SimulationContext().forward(cg).value(y), "inference (the default) passes x through");
    }

    @Test
    void dropoutMasksDifferFromPassToPassButRepeatWithTheSeed() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.dropout(cg.constant(Tensor.ones(4, 8)), 0.5);
        SimulationContext ctx = new SimulationContext().training(true).seed(7);
        double[] first = ctx.forward(cg).value(y).toArray(), second = ctx.forward(cg).value(y).toArray();
        assertNotEquals(List.of(first), List.of(second));
        assertEquals(java.util.Arrays.toString(first),
                java.util.Arrays.toString(new SimulationContext().training(true).seed(7).forward(cg).value(y).toArray()));
    }

    @Test
    void dropoutDropsAboutPAtEveryPositionAndTwoDropoutsInOnePassDrawDifferentMasks() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.constant(Tensor.ones(3001, 7), "x"); // an odd count: the last draw's second half unused
        Connection a = cg.dropout(x, 0.05), b = cg.dropout(x, 0.05), none = cg.dropout(x, 0);
        SimulationContext ctx = new SimulationContext().training(true).seed(11).forward(cg);
        double[] ya = ctx.value(a).data(), yb = ctx.value(b).data();
        int[] zerosByColumn = new int[7];
        int zeros = 0, differ = 0;
        for (int i = 0; i < ya.length; i++) {
            if (ya[i] == 0) {
                zeros++;
                zerosByColumn[i % 7]++;
            }
            if ((ya[i] == 0) != (yb[i] == 0)) differ++;
        }
        assertEquals(0.05, zeros / (double) ya.length, 0.005);
        for (int z : zerosByColumn) assertEquals(0.05, z / 3001.0, 0.015, "every position (even and odd draws) drops about p");
        assertEquals(0.095, differ / (double) ya.length, 0.01, "two dropouts in one pass: independent masks");
        for (double v : ctx.value(none).data()) assertEquals(1.0, v, "p = 0 drops nothing");
    }

    @Test
    void dropoutGradients() {
        for (boolean training : new boolean[] {true, false}) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.variable(Tensor.randomNormal(2, 3, 5), "a");
            Connection loss = GradAssert.weightedLoss(cg, cg.dropout(a, 0.4), Map.of(), 4);
            if (training) GradAssert.assertTrainingGradients("dropout", cg, loss, Map.of(), List.of(a));
            else GradAssert.assertGradients("dropout", cg, loss, Map.of(), List.of(a));
        }
        assertThrows(IllegalArgumentException.class, () -> new ComputationalGraph().dropout(null, 1.0));
    }

    /** x, γ, β, running mean and variance for c features; returns the loss, weighted per element. */
    private static Connection[] batchNormGraph(ComputationalGraph cg, int... shape) {
        int c = shape[1];
        Connection x = cg.variable(Tensor.randomNormal(11, shape), "x");
        Connection gamma = cg.variable(Tensor.randomNormal(12, c), "gamma");
        Connection beta = cg.variable(Tensor.randomNormal(13, c), "beta");
        Connection mean = cg.constant(Tensor.randomNormal(14, c), "runningMean");
        Connection var = cg.constant(Tensor.ones(c), "runningVar");
        Connection y = cg.batchNorm(x, gamma, beta, mean, var);
        return new Connection[] {x, gamma, beta, mean, var, GradAssert.weightedLoss(cg, y, Map.of(), 5), y};
    }

    @Test
    void batchNormGradientsInTrainingAndInference() {
        for (int[] shape : new int[][] {{6, 3}, {3, 2, 3, 4}}) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection[] g = batchNormGraph(cg, shape);
            GradAssert.assertTrainingGradients("batchNorm", cg, g[5], Map.of(), List.of(g[0], g[1], g[2]));
            GradAssert.assertGradients("batchNorm", cg, g[5], Map.of(), List.of(g[0], g[1], g[2]));
        }
    }

    @Test
    void batchNormNormalisesTheBatchInTrainingAndUpdatesItsRunningStatistics() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.constant(Tensor.matrix(new double[] {1, 10}, new double[] {3, 30}), "x");
        Connection mean = cg.constant(Tensor.zeros(2), "runningMean"), var = cg.constant(Tensor.ones(2), "runningVar");
        Connection y = cg.batchNorm(x, cg.constant(Tensor.ones(2)), cg.constant(Tensor.zeros(2)), mean, var);
        Tensor t = new SimulationContext().training(true).forward(cg).value(y);
        // Each column becomes (-1, +1) up to ε; the running mean moves 10 % towards (2, 20).
        assertEquals(-1, t.data()[0], 1e-4);
        assertEquals(1, t.data()[3], 1e-4);
        GradAssert.assertClose(Tensor.vector(0.2, 2.0), mean.value(), 1e-12);
        // Unbiased batch variance (2 and 200) mixed in with momentum 0.1.
        GradAssert.assertClose(Tensor.vector(0.9 + 0.2, 0.9 + 20), var.value(), 1e-12);
        // Inference uses the running statistics, and does not change them.
        Tensor inf = new SimulationContext().forward(cg).value(y);
        assertEquals((1 - 0.2) / Math.sqrt(1.1 + 1e-5), inf.data()[0], 1e-12);
        GradAssert.assertClose(Tensor.vector(0.2, 2.0), mean.value(), 1e-12);
    }

    @Test
    void batchNormNamesAWrongParameterShape() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.batchNorm(cg.constant(Tensor.zeros(4, 3), "x"), cg.constant(Tensor.ones(2), "gamma"),
                cg.constant(Tensor.zeros(3)), cg.constant(Tensor.zeros(3)), cg.constant(Tensor.ones(3)));
        DeepToyException e = assertThrows(DeepToyException.class, () -> new SimulationContext().forward(cg, y));
        assertTrue(e.getMessage().startsWith("batchNorm(x, gamma,") && e.getMessage().contains("need 3 values"), e.getMessage());
    }

    @Test
    void graphPictureShowsTheMode() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.dropout(cg.constant(Tensor.ones(2, 2), "x"), 0.5);
        assertTrue(cg.toDot().contains("training / inference"), cg.toDot());
        assertTrue(cg.toDot(new SimulationContext().training(true).forward(cg)).contains("training mode"));
        assertTrue(cg.toDot(new SimulationContext().forward(cg)).contains("inference mode"));
    }
}
