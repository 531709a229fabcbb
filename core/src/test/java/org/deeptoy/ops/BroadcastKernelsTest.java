package org.deeptoy.ops;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The element-wise kernels' broadcasting shortcuts (same shape, a scalar, a bias row, a per-channel
 * bias) agree exactly with the general index map, forward, backward and summing back.
 */
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

    @Test
    void blockBroadcastFindsTheRepeatedBlock() {
        assertArrayEquals(new int[] {64, 32, 576}, Shapes.blockBroadcast(new int[] {32, 1, 1}, new int[] {64, 32, 24, 24}));
        assertArrayEquals(new int[] {64, 32, 576}, Shapes.blockBroadcast(new int[] {1, 32, 1, 1}, new int[] {64, 32, 24, 24}));
        assertArrayEquals(new int[] {4, 3, 1}, Shapes.blockBroadcast(new int[] {3}, new int[] {4, 3}));
        assertArrayEquals(new int[] {1, 4, 3}, Shapes.blockBroadcast(new int[] {4, 1}, new int[] {4, 3}));
        assertArrayEquals(new int[] {1, 1, 12}, Shapes.blockBroadcast(new int[] {}, new int[] {4, 3}));
        assertArrayEquals(new int[] {1, 12, 1}, Shapes.blockBroadcast(new int[] {4, 3}, new int[] {4, 3}));
        assertArrayEquals(new int[] {2, 4, 1}, Shapes.blockBroadcast(new int[] {4, 1, 1}, new int[] {2, 4, 1, 1}));
        assertNull(Shapes.blockBroadcast(new int[] {2, 1, 3}, new int[] {2, 4, 3}));
        assertNull(Shapes.blockBroadcast(new int[] {4, 3}, new int[] {3}));
        assertNull(Shapes.blockBroadcast(new int[] {0}, new int[] {4, 0}));
    }

    /** Shape pairs that hit every path: the fixed ones above, conv biases, and random ones. */
    private static List<int[][]> shapePairs() {
        List<int[][]> pairs = new ArrayList<>(Arrays.asList(PAIRS));
        pairs.add(new int[][] {{3, 5, 4, 7}, {5, 1, 1}});
        pairs.add(new int[][] {{1, 5, 1, 1}, {3, 5, 4, 7}});
        pairs.add(new int[][] {{3, 5, 4, 7}, {5, 4, 1}});
        pairs.add(new int[][] {{2, 3, 1, 5}, {3, 1, 1}});
        pairs.add(new int[][] {{7}, {}});
        pairs.add(new int[][] {{}, {}});
        pairs.add(new int[][] {{1}, {3, 1, 2}});
        Random r = new Random(11);
        for (int t = 0; t < 300; t++) {
            int rank = 1 + r.nextInt(4);
            int[] out = new int[rank];
            for (int i = 0; i < rank; i++) out[i] = 1 + r.nextInt(5);
            int drop = r.nextInt(rank + 1);
            int[] in = Arrays.copyOfRange(out, drop, rank);
            for (int i = 0; i < in.length; i++) if (r.nextInt(3) == 0) in[i] = 1;
            // sometimes a block in the middle: ones on both sides
            if (r.nextInt(3) == 0 && in.length >= 3) {
                in[0] = 1;
                in[in.length - 1] = 1;
            }
            pairs.add(r.nextBoolean() ? new int[][] {out, in} : new int[][] {in, out});
        }
        return pairs;
    }

    private static List<BinaryOp> binaryOps() {
        return List.of(new Sum(), new Subtract(), new Multiply(), new Div());
    }

    @Test
    void fastForwardAndBackwardEqualTheIndexMapsExactly() {
        int seed = 20;
        for (int[][] p : shapePairs()) {
            Tensor a = Tensor.randomNormal(seed++, p[0]), b = Tensor.randomUniform(seed++, 0.5, 2, p[1]);
            for (BinaryOp op : binaryOps()) {
                String what = op.op() + " " + Shapes.toString(p[0]) + " with " + Shapes.toString(p[1]);
                Tensor[] in = {a, b};
                Tensor y = op.forward(in), ref = op.forwardGeneric(in);
                assertEquals(ref, y, what + " forward");
                Tensor dy = Tensor.randomNormal(seed++, y.shape());
                boolean[] need = {true, true};
                Tensor[] dx = op.backward(in, y, dy, need), dref = op.backwardGeneric(in, y, dy, need);
                for (int k = 0; k < 2; k++) {
                    Tensor g = Shapes.sumTo(dx[k], in[k].shape());
                    assertEquals(referenceSumTo(dref[k], in[k].shape()), g, what + " gradient " + k);
                }
            }
        }
    }

    @Test
    void sumToAndExpandEqualTheIndexMapExactly() {
        int seed = 40;
        for (int[][] p : shapePairs()) {
            int[] out = Shapes.broadcast(p[0], p[1]);
            for (int[] in : p) {
                Tensor g = Tensor.randomNormal(seed++, out);
                assertEquals(referenceSumTo(g, in), Shapes.sumTo(g, in), "sumTo " + Shapes.toString(out) + " -> " + Shapes.toString(in));
                Tensor t = Tensor.randomNormal(seed++, in);
                int[] map = Shapes.broadcastIndex(in, out);
                double[] e = new double[map.length];
                for (int i = 0; i < e.length; i++) e[i] = t.data()[map[i]];
                assertEquals(Tensor.wrap(e, out), Shapes.expand(t, out).reshape(out), "expand " + Shapes.toString(in) + " -> " + Shapes.toString(out));
            }
        }
    }

    @Test
    void convBiasGradientEqualsTheIndexMapExactly() { // channels summed four side by side, then the rest
        for (int channels : new int[] {4, 7, 8, 16}) {
            Tensor g = Tensor.randomNormal(channels, 3, channels, 5, 6);
            int[] bias = {channels, 1, 1};
            assertEquals(referenceSumTo(g, bias), Shapes.sumTo(g, bias), "sumTo to " + Shapes.toString(bias));
        }
    }

    /** sumTo through the index map, adding in row-major order. */
    private static Tensor referenceSumTo(Tensor g, int[] shape) {
        int[] map = Shapes.broadcastIndex(shape, g.shape());
        double[] d = new double[Shapes.size(shape)];
        for (int i = 0; i < map.length; i++) d[map[i]] += g.data()[i];
        return Tensor.wrap(d, shape);
    }

    @Test
    void unaryLoopsEqualTheirElementFormulasExactly() {
        double[] special = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.longBitsToDouble(0xFFF8000000000001L), 1, -1,
                30, -30, 800, -800};
        Random r = new Random(3);
        double[] x = new double[special.length + 200];
        System.arraycopy(special, 0, x, 0, special.length);
        for (int i = special.length; i < x.length; i++) x[i] = r.nextGaussian() * 3;
        double[] dy = new double[x.length];
        for (int i = 0; i < dy.length; i++) dy[i] = i < special.length ? special[special.length - 1 - i] : r.nextGaussian();
        for (UnaryOp op : List.of(new Relu(), new Exp(), new Sigmoid(), new Tanh())) {
            double[] y = new double[x.length], dx = new double[x.length];
            op.map(x, y, 0, x.length);
            op.mapBackward(x, y, dy, dx, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                double f = op.f(x[i]), g = dy[i] * op.df(x[i], y[i]);
                assertEquals(Double.doubleToRawLongBits(f), Double.doubleToRawLongBits(y[i]), op.op() + "(" + x[i] + ") = " + f + " but the loop gave " + y[i]);
                assertEquals(Double.doubleToRawLongBits(g), Double.doubleToRawLongBits(dx[i]), op.op() + "'(" + x[i] + ") * " + dy[i] + " = " + g + " but the loop gave " + dx[i]);
            }
        }
    }

    @Test
    void leakyReluSelectsExactlyLikeItsBranch() {
        double[] x = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
                -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 2.5, -2.5, 1e-300, -1e-300};
        double[] dy = {1, -1, Double.NaN, -0.0, 3, Double.POSITIVE_INFINITY, 2, -2, 0.5, -0.0, 7, -7, 1};
        for (double slope : new double[] {0.01, 0.2, 0}) {
            LeakyRelu op = new LeakyRelu(slope);
            Tensor[] in = {Tensor.of(x, x.length)};
            Tensor y = op.forward(in), dx = op.backward(in, y, Tensor.of(dy, dy.length), new boolean[] {true})[0];
            for (int i = 0; i < x.length; i++) {
                double f = x[i] > 0 ? x[i] : slope * x[i], g = x[i] > 0 ? dy[i] : slope * dy[i];
                assertEquals(Double.doubleToRawLongBits(f), Double.doubleToRawLongBits(y.data()[i]), "leakyRelu(" + x[i] + "), slope " + slope);
                assertEquals(Double.doubleToRawLongBits(g), Double.doubleToRawLongBits(dx.data()[i]), "leakyRelu'(" + x[i] + ") * " + dy[i]);
            }
        }
    }
}
