package org.deeptoy.ops;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class Conv2dTest {

    /** The definition, written as plainly as possible: four loops over the output, three over the window. */
    static Tensor naiveConv(Tensor x, Tensor f, int s, int p) {
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
        int o = f.dim(0), kh = f.dim(2), kw = f.dim(3);
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        double[] y = new double[n * o * oh * ow];
        int at = 0;
        for (int b = 0; b < n; b++)
            for (int q = 0; q < o; q++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double acc = 0;
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++) {
                                    int r = i * s - p + u, col = j * s - p + v;
                                    if (r >= 0 && r < h && col >= 0 && col < w) {
                                        acc += f.get(q, ch, u, v) * x.get(b, ch, r, col);
                                    }
                                }
                        y[at++] = acc;
                    }
        return Tensor.of(y, n, o, oh, ow);
    }

    private static Tensor conv(Tensor x, Tensor f, int stride, int padding) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.conv2d(cg.constant(x, "x"), cg.constant(f, "F"), stride, padding);
        return new SimulationContext().forward(cg).value(y);
    }

    @ParameterizedTest(name = "x [{0}, {1}, {2}, {3}], F [{4}, {1}, {5}, {6}], stride {7}, padding {8}")
    @CsvSource({
            "1, 1, 5, 5, 1, 3, 3, 1, 0",
            "3, 2, 7, 5, 4, 3, 2, 1, 0",
            "3, 2, 7, 5, 4, 3, 2, 2, 1",
            "2, 3, 6, 9, 2, 2, 4, 3, 2",
            "2, 1, 4, 4, 3, 5, 5, 1, 2",
            "2, 2, 5, 6, 3, 1, 1, 2, 0",
            "1, 2, 3, 3, 2, 3, 3, 5, 3",
    })
    void forwardMatchesDirectConvolution(int n, int c, int h, int w, int o, int kh, int kw, int s, int p) {
        Tensor x = Tensor.randomNormal(11, n, c, h, w);
        Tensor f = Tensor.randomNormal(12, o, c, kh, kw);
        Tensor expected = naiveConv(x, f, s, p);
        Tensor actual = conv(x, f, s, p);
        assertArrayEquals(expected.shape(), actual.shape());
        assertTrue(expected.allClose(actual, 1e-12), () -> "expected\n" + expected + "\nbut got\n" + actual);
    }

    @Test
    void forwardOfADiagonalDifferenceFilterByHand() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor f = Tensor.of(new double[] {1, 0, 0, -1}, 1, 1, 2, 2);
        // y[i, j] = x[i, j] - x[i + 1, j + 1] = -4 everywhere
        assertArrayEquals(new double[] {-4, -4, -4, -4}, conv(x, f, 1, 0).toArray());
        // padded to 5x5, windows start at -1 and 1 in both directions:
        // (-1,-1): -x[0,0] = -1;  (-1,1): -x[0,2] = -3;  (1,-1): -x[2,0] = -7;  (1,1): x[1,1] - x[2,2] = -4
        Tensor y = conv(x, f, 2, 1);
        assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
        assertArrayEquals(new double[] {-1, -3, -7, -4}, y.toArray());
    }

    @Test
    void forwardSumsOverInputChannelsPerOutputChannel() {
        // two 2x2 channels, 1x1 filters: output 0 = ch0 + ch1, output 1 = 2*ch0 - ch1
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
        Tensor f = Tensor.of(new double[] {1, 1, 2, -1}, 2, 2, 1, 1);
        assertArrayEquals(new double[] {11, 22, 33, 44, -8, -16, -24, -32}, conv(x, f, 1, 0).toArray());
    }

    private static GradientCheck.Result gradientCheck(int n, int c, int h, int w, int o, int kh, int kw, int s, int p) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.randomNormal(1, n, c, h, w), "x");
        Connection f = cg.variable(Tensor.randomNormal(2, o, c, kh, kw), "F");
        Connection y = cg.conv2d(x, f, s, p, "y");
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        Connection r = cg.constant(Tensor.randomNormal(3, n, o, oh, ow), "R");
        Connection loss = cg.reduceSum(cg.multiply(y, r));
        return GradientCheck.check(cg, loss, Map.of());
    }

    @ParameterizedTest(name = "x [{0}, {1}, {2}, {3}], F [{4}, {1}, {5}, {6}], stride {7}, padding {8}")
    @CsvSource({
            "3, 2, 7, 5, 4, 3, 2, 2, 1",
            "2, 3, 6, 9, 2, 2, 4, 1, 0",
            "2, 2, 8, 6, 3, 3, 3, 2, 1",
            "2, 1, 5, 4, 2, 5, 3, 3, 2",
    })
    void backwardMatchesNumericGradient(int n, int c, int h, int w, int o, int kh, int kw, int s, int p) {
        GradientCheck.Result r = gradientCheck(n, c, h, w, o, kh, kw, s, p);
        assertTrue(r.passed(), r::toString);
        assertEquals(2, r.errors().size());
    }

    /**
     * Training's float32 kernels (Precision.FLOAT32): the same values as the definition to float
     * precision, the same gradients as float64, and a gradient check of their own: conv2d is linear
     * in x and in F, so a central difference is exact for any step, and a step of 1 keeps float32's
     * rounding of the loss (~1e-7 of it) small against the difference.
     */
    @ParameterizedTest(name = "x [{0}, {1}, {2}, {3}], F [{4}, {1}, {5}, {6}], stride {7}, padding {8}")
    @CsvSource({
            "3, 2, 7, 5, 4, 3, 2, 2, 1",
            "2, 3, 6, 9, 2, 2, 4, 1, 0",
            "2, 1, 8, 8, 3, 5, 5, 1, 2",
            "3, 3, 6, 5, 4, 3, 3, 1, 1",
            "2, 2, 7, 6, 3, 5, 3, 1, 1",
            "2, 2, 5, 4, 2, 5, 3, 3, 2",
    })
    void float32KernelsMatchFloat64AndPassTheirGradientCheck(int n, int c, int h, int w, int o, int kh, int kw, int s, int p) {
        Tensor xv = Tensor.randomNormal(21, n, c, h, w), fv = Tensor.randomNormal(22, o, c, kh, kw);
        int oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(xv, "x"), f = cg.variable(fv, "F");
        Connection y = cg.conv2d(x, f, s, p, "y");
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(Tensor.randomNormal(23, n, o, oh, ow), "R")));
        SimulationContext f64 = new SimulationContext().forward(cg).backward(cg, loss);
        SimulationContext f32 = new SimulationContext().precision(Precision.FLOAT32).forward(cg).backward(cg, loss);
        assertTrue(naiveConv(xv, fv, s, p).allClose(f32.value(y), 1e-5), () -> "float32 forward\n" + f32.value(y));
        assertFalse(f64.value(y).allClose(f32.value(y), 1e-12), "the float32 kernels did not run");
        assertTrue(f64.gradient(x).allClose(f32.gradient(x), 1e-5), "dL/dx");
        assertTrue(f64.gradient(f).allClose(f32.gradient(f), 1e-5), "dL/dF");
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(), cg.variables(), 1, 1e-3, false, Precision.FLOAT32);
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void biasOfShapeOutChannelsByOneByOneBroadcastsOverBatchAndPixels() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor xv = Tensor.randomNormal(4, 2, 3, 6, 5);
        Tensor fv = Tensor.randomNormal(5, 4, 3, 3, 3);
        Tensor bv = Tensor.of(new double[] {1, -2, 3, 0.5}, 4, 1, 1);
        Connection x = cg.variable(xv, "x");
        Connection f = cg.variable(fv, "F");
        Connection b = cg.variable(bv, "b");
        Connection y = cg.sum(cg.conv2d(x, f, 2, 1), b, "y");
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(Tensor.randomNormal(6, 2, 4, 3, 3), "R")));

        Tensor out = new SimulationContext().forward(cg).value(y);
        Tensor plain = naiveConv(xv, fv, 2, 1);
        assertArrayEquals(new int[] {2, 4, 3, 3}, out.shape());
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 4; o++)
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        assertEquals(plain.get(n, o, i, j) + bv.get(o, 0, 0), out.get(n, o, i, j), 1e-12);

        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of());
        assertTrue(r.passed(), r::toString);
        assertEquals(3, r.errors().size());
    }

    @Test
    void filterGradientAloneWhenTheInputIsData() {
        // training: the images are fed, only the filters need a gradient
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection f = cg.variable(Tensor.randomNormal(7, 3, 2, 3, 2), "F");
        Connection loss = cg.reduceSum(cg.multiply(cg.conv2d(x, f, 1, 1), cg.constant(Tensor.randomNormal(8, 2, 3, 5, 6))));
        Map<Connection, Tensor> feeds = Map.of(x, Tensor.randomNormal(9, 2, 2, 5, 5));
        SimulationContext ctx = new SimulationContext().variableGradientsOnly(true).forward(cg, feeds).backward(cg, loss);
        SimulationContext full = new SimulationContext().forward(cg, feeds).backward(cg, loss);
        assertTrue(ctx.gradient(f).allClose(full.gradient(f), 1e-12));
        assertTrue(GradientCheck.check(cg, loss, feeds).passed());
    }

    @Test
    void splittingTheBatchIntoSeveralProductsChangesNothing() {
        int saved = Conv2d.chunk;
        try {
            for (int chunk : new int[] {1, 2}) {
                Conv2d.chunk = chunk;
                // batch 5 in chunks of 2 leaves a last chunk of 1
                Tensor x = Tensor.randomNormal(13, 5, 2, 6, 7);
                Tensor f = Tensor.randomNormal(14, 3, 2, 3, 2);
                assertTrue(naiveConv(x, f, 2, 1).allClose(conv(x, f, 2, 1), 1e-12));
                GradientCheck.Result r = gradientCheck(5, 2, 6, 7, 3, 3, 2, 2, 1);
                assertTrue(r.passed(), () -> "chunk " + Conv2d.chunk + ": " + r);
            }
        } finally {
            Conv2d.chunk = saved;
        }
    }

    private static DeepToyException convError(int[] xs, int[] fs, int stride, int padding) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.conv2d(cg.constant(Tensor.zeros(xs), "x"), cg.constant(Tensor.zeros(fs), "W1"), stride, padding);
        return assertThrows(DeepToyException.class, () -> new SimulationContext().forward(cg, y));
    }

    @Test
    void rejectsChannelMismatchNamingBothShapes() {
        String m = convError(new int[] {8, 3, 32, 32}, new int[] {16, 1, 5, 5}, 1, 0).getMessage();
        assertTrue(m.startsWith("conv2d(x, W1"), m);
        assertTrue(m.contains("input has 3 channels but filters expect 1: [8, 3, 32, 32] vs [16, 1, 5, 5]"), m);
    }

    @Test
    void rejectsWrongRankAndSaysHowToReshape() {
        String m = convError(new int[] {3, 32, 32}, new int[] {16, 3, 5, 5}, 1, 0).getMessage();
        assertTrue(m.contains("4 axes") && m.contains("[3, 32, 32]") && m.contains("[1, 3, 32, 32]"), m);
        String f = convError(new int[] {1, 1, 8, 8}, new int[] {5, 5}, 1, 0).getMessage();
        assertTrue(f.contains("filters must have 4 axes") && f.contains("[5, 5]"), f);
    }

    @Test
    void rejectsFiltersBiggerThanThePaddedInput() {
        String m = convError(new int[] {2, 1, 3, 6}, new int[] {4, 1, 5, 5}, 1, 0).getMessage();
        assertTrue(m.contains("5x5") && m.contains("3x6") && m.contains("padding"), m);
        String padded = convError(new int[] {2, 1, 3, 3}, new int[] {4, 1, 6, 2}, 1, 1).getMessage();
        assertTrue(padded.contains("padded to 5x5"), padded);
        // with enough padding the same filter fits
        assertArrayEquals(new int[] {2, 4, 3, 3},
                conv(Tensor.zeros(2, 1, 3, 3), Tensor.zeros(4, 1, 5, 5), 1, 2).shape());
    }

    @Test
    void rejectsStrideBelowOneAndNegativePaddingWhenBuilding() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), f = cg.input("F");
        assertTrue(assertThrows(DeepToyException.class, () -> cg.conv2d(x, f, 0, 0)).getMessage()
                .contains("stride must be at least 1 but is 0"));
        assertTrue(assertThrows(DeepToyException.class, () -> cg.conv2d(x, f, 1, -1)).getMessage()
                .contains("padding must be 0 or more but is -1"));
    }
}
