package org.deeptoy.ops;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The element-wise kernels' broadcasting shortcuts (a bias row, a scalar) agree with the general index map. */
class BroadcastKernelsTest {
    private static final int[][][] PAIRS = {
            {{4, 3}, {3}}, {{3}, {4, 3}}, {{4, 3}, {1, 3}}, {{4, 3}, {4, 1}}, {{4, 3}, {}}, {{}, {4, 3}},
            {{2, 4, 3}, {4, 3}}, {{2, 4, 3}, {1, 1, 3}}, {{2, 1, 3}, {4, 1}}, {{5}, {1}}, {{2, 3}, {2, 3}},
    };

    @Test
    void broadcastSumAndMultiplyMatchExpandedOperands() {
        for (int[][] p : PAIRS) {
            Tensor a = Tensor.randomNormal(1, p[0]), b = Tensor.randomNormal(2, p[1]);
            int[] out = Shapes.broadcast(a.shape(), b.shape());
            double[] ea = Shapes.expand(a, out).data(), eb = Shapes.expand(b, out).data();
            ComputationalGraph cg = new ComputationalGraph();
            Connection ca = cg.constant(a, "a"), cb = cg.constant(b, "b");
            Connection sum = cg.sum(ca, cb), product = cg.multiply(ca, cb);
            SimulationContext ctx = new SimulationContext().forward(cg);
            double[] s = ctx.value(sum).data(), m = ctx.value(product).data();
            assertArrayEquals(out, ctx.value(sum).shape());
            for (int i = 0; i < s.length; i++) {
                assertEquals(ea[i] + eb[i], s[i], 0, "sum " + Shapes.toString(p[0]) + " + " + Shapes.toString(p[1]));
                assertEquals(ea[i] * eb[i], m[i], 0, "multiply " + Shapes.toString(p[0]) + " * " + Shapes.toString(p[1]));
            }
        }
    }

    @Test
    void broadcastGradientsAreSummedBackToEachShape() {
        for (int[][] p : PAIRS) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.variable(Tensor.randomNormal(3, p[0]), "a"), b = cg.variable(Tensor.randomNormal(4, p[1]), "b");
            Connection w = cg.input("w");
            Connection loss = cg.reduceSum(cg.multiply(cg.sum(cg.multiply(a, b), b), w));
            int[] out = Shapes.broadcast(p[0], p[1]);
            GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(w, Tensor.randomNormal(5, out)));
            assertTrue(r.passed(), Shapes.toString(p[0]) + " with " + Shapes.toString(p[1]) + ": " + r);
        }
    }

    @Test
    void trailingBlockRecognisesOnlyRepeatedTrailingAxes() {
        assertEquals(3, Shapes.trailingBlock(new int[] {3}, new int[] {4, 3}));
        assertEquals(3, Shapes.trailingBlock(new int[] {1, 3}, new int[] {4, 3}));
        assertEquals(12, Shapes.trailingBlock(new int[] {4, 3}, new int[] {2, 4, 3}));
        assertEquals(1, Shapes.trailingBlock(new int[] {}, new int[] {4, 3}));
        assertEquals(-1, Shapes.trailingBlock(new int[] {4, 1}, new int[] {4, 3}));
        assertEquals(-1, Shapes.trailingBlock(new int[] {2, 1, 3}, new int[] {2, 4, 3}));
        assertEquals(-1, Shapes.trailingBlock(new int[] {0}, new int[] {4, 0}));
    }
}
