package org.deeptoy.ops;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MaxPool2dTest {

    /** Forward value and dL/dx for loss = Σ y · dy. */
    private record Run(Tensor y, Tensor dx) {}

    private static Run pool(Tensor x, int size, int stride, Tensor dy) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection in = cg.variable(x, "x");
        Connection y = cg.maxPool2d(in, size, stride);
        SimulationContext ctx = new SimulationContext().forward(cg, y);
        if (dy == null) return new Run(ctx.value(y), null);
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(dy)));
        ctx = new SimulationContext().forward(cg, loss).backward(cg, loss);
        return new Run(ctx.value(y), ctx.gradient(in));
    }

    @Test
    void forwardTakesTheMaximumOfEachWindow() {
        Tensor x = Tensor.of(new double[] {
                1, 5, 2, 0,
                3, 4, 8, 1,
                0, -1, -3, -2,
                2, 7, -5, -4}, 1, 1, 4, 4);
        assertArrayEquals(new double[] {5, 8, 7, -2}, pool(x, 2, 2, null).y().toArray());
    }

    @Test
    void backwardRoutesEachGradientToItsWindowsArgmax() {
        Tensor x = Tensor.of(new double[] {
                1, 5, 2, 0,
                3, 4, 8, 1,
                0, -1, -3, -2,
                2, 7, -5, -4}, 1, 1, 4, 4);
        Run r = pool(x, 2, 2, Tensor.of(new double[] {10, 20, 30, 40}, 1, 1, 2, 2));
        assertArrayEquals(new double[] {
                0, 10, 0, 0,
                0, 0, 20, 0,
                0, 0, 0, 40,
                0, 30, 0, 0}, r.dx().toArray());
    }

    @Test
    void overlappingWindowsWithStrideSmallerThanSizeAddGradients() {
        // 3x4 image, 2x2 windows, stride 1: 2x3 outputs; the 9 in the middle wins four windows
        Tensor x = Tensor.of(new double[] {
                1, 2, 3, 4,
                5, 9, 6, 0,
                7, 1, 2, 8}, 1, 1, 3, 4);
        Run r = pool(x, 2, 1, Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 3));
        assertArrayEquals(new double[] {9, 9, 6, 9, 9, 8}, r.y().toArray());
        assertArrayEquals(new double[] {
                0, 0, 0, 0,
                0, 1 + 2 + 4 + 5, 3, 0,
                0, 0, 0, 6}, r.dx().toArray());
    }

    @Test
    void strideLargerThanSizeSkipsPixelsAndLeftoverRowsGetNoGradient() {
        // 5x7 image, 2x2 windows, stride 3: windows at rows 0, 3 and columns 0, 3; row 2, column 2 and column 6 are never read
        double[] v = new double[35];
        for (int i = 0; i < 35; i++) v[i] = i;
        Run r = pool(Tensor.of(v, 1, 1, 5, 7), 2, 3, Tensor.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2));
        assertArrayEquals(new int[] {1, 1, 2, 2}, r.y().shape());
        // each window's maximum is its bottom-right element
        assertArrayEquals(new double[] {8, 11, 29, 32}, r.y().toArray());
        double[] expected = new double[35];
        expected[8] = 1;
        expected[11] = 2;
        expected[29] = 3;
        expected[32] = 4;
        assertArrayEquals(expected, r.dx().toArray());
    }

    @Test
    void tiesSendTheGradientToTheFirstMaximumInRowMajorOrder() {
        Tensor x = Tensor.of(new double[] {
                3, 3, 1, 2,
                3, 3, 2, 2}, 1, 1, 2, 4);
        Run r = pool(x, 2, 2, Tensor.of(new double[] {1, 1}, 1, 1, 1, 2));
        assertArrayEquals(new double[] {
                1, 0, 0, 1,
                0, 0, 0, 0}, r.dx().toArray());
    }

    @Test
    void poolsEachImageAndChannelSeparately() {
        // channel values offset by 100·plane: each plane's maxima stay in their plane
        Tensor base = Tensor.randomNormal(3, 2, 3, 4, 6);
        double[] d = base.toArray();
        for (int i = 0; i < d.length; i++) d[i] += 100 * (i / 24);
        Tensor y = pool(Tensor.of(d, 2, 3, 4, 6), 2, 2, null).y();
        assertArrayEquals(new int[] {2, 3, 2, 3}, y.shape());
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++) {
                        double m = Double.NEGATIVE_INFINITY;
                        for (int u = 0; u < 2; u++)
                            for (int v = 0; v < 2; v++) m = Math.max(m, d[((n * 3 + c) * 4 + 2 * i + u) * 6 + 2 * j + v]);
                        assertEquals(m, y.get(n, c, i, j));
                    }
    }

    @Test
    void trainingRoutesGradientsAsTheScanDoesIncludingTiesSignedZerosAndInfinities() {
        // in training the forward notes each window's argmax; it must pick what the scan picks
        double[] special = {-0.0, 0.0, 0.0, 1.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        java.util.Random r = new java.util.Random(4);
        for (int size : new int[] {2, 3}) {
            for (int stride : new int[] {1, 2, 3}) {
                double[] d = new double[2 * 3 * 7 * 8];
                for (int i = 0; i < d.length; i++) d[i] = r.nextInt(3) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian();
                Tensor x = Tensor.of(d, 2, 3, 7, 8);
                ComputationalGraph cg = new ComputationalGraph();
                Connection in = cg.variable(x, "x");
                Connection y = cg.maxPool2d(in, size, stride);
                Tensor dy = Tensor.randomUniform(5, 1, 2, 2, 3, (7 - size) / stride + 1, (8 - size) / stride + 1);
                Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(dy)));
                Tensor scanned = new SimulationContext().checkFinite(false).forward(cg, loss).backward(cg, loss).gradient(in);
                Tensor kept = new SimulationContext().training(true).checkFinite(false).forward(cg, loss).backward(cg, loss).gradient(in);
                assertArrayEquals(scanned.toArray(), kept.toArray(), "size " + size + " stride " + stride);
            }
        }
    }

    @Test
    void twoByTwoWindowsAgreeWithAPlainScanIncludingSignedZerosAndNaN() {
        // size 2 has its own unrolled forward: compare it with a row-major scan of each window
        double[] special = {Double.NaN, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
        java.util.Random r = new java.util.Random(9);
        double[] d = new double[2 * 3 * 5 * 7];
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(4) == 0 ? special[r.nextInt(special.length)] : r.nextGaussian();
        for (int stride : new int[] {1, 2, 3}) {
            Tensor y = new MaxPool2d(2, stride).forward(new Tensor[] {Tensor.of(d, 2, 3, 5, 7)}); // the engine would reject NaN
            int oh = (5 - 2) / stride + 1, ow = (7 - 2) / stride + 1;
            for (int p = 0; p < 6; p++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double m = d[p * 35 + i * stride * 7 + j * stride];
                        for (int u = 0; u < 2; u++)
                            for (int v = 0; v < 2; v++) m = Math.max(m, d[p * 35 + (i * stride + u) * 7 + j * stride + v]);
                        assertEquals(Double.doubleToRawLongBits(m), Double.doubleToRawLongBits(y.data()[(p * oh + i) * ow + j]),
                                "stride " + stride + " plane " + p + " window " + i + ", " + j);
                    }
        }
    }

    @Test
    void backwardMatchesNumericGradient() {
        int[][] cases = {{2, 2, 2}, {3, 2, 3}, {3, 1, 1}, {2, 3, 2}};
        for (int[] k : cases) {
            int size = k[0], stride = k[1];
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.variable(Tensor.randomNormal(20 + size, 2, 3, 7, 5), "x");
            Connection y = cg.maxPool2d(x, size, stride, "pool");
            int oh = (7 - size) / stride + 1, ow = (5 - size) / stride + 1;
            Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(Tensor.randomNormal(30, 2, 3, oh, ow))));
            GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of());
            assertTrue(r.passed(), () -> "size " + size + ", stride " + stride + ": " + r);
        }
    }

    private static String poolError(int[] shape, int size, int stride) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.maxPool2d(cg.constant(Tensor.zeros(shape), "h1"), size, stride);
        return assertThrows(DeepToyException.class, () -> new SimulationContext().forward(cg, y)).getMessage();
    }

    @Test
    void rejectsWindowsThatDoNotFit() {
        String m = poolError(new int[] {4, 8, 3, 10}, 4, 4);
        assertTrue(m.startsWith("maxPool2d(h1"), m);
        assertTrue(m.contains("4x4 window does not fit the 3x10 images") && m.contains("[4, 8, 3, 10]"), m);
    }

    @Test
    void rejectsWrongRank() {
        String m = poolError(new int[] {8, 12, 12}, 2, 2);
        assertTrue(m.contains("4 axes") && m.contains("[8, 12, 12]") && m.contains("[1, 8, 12, 12]"), m);
    }

    @Test
    void rejectsSizeOrStrideBelowOneWhenBuilding() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        assertTrue(assertThrows(DeepToyException.class, () -> cg.maxPool2d(x, 0, 1)).getMessage()
                .contains("size must be at least 1 but is 0"));
        assertTrue(assertThrows(DeepToyException.class, () -> cg.maxPool2d(x, 2, 0)).getMessage()
                .contains("stride must be at least 1 but is 0"));
    }
}
