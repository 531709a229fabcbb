package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops attention needs (embedding, batchMatrixMultiply, layerNorm, maskedSoftmax): forward
 * against the definition, backward against finite differences in float64 and in training's float32
 * passes, and errors that name the op and the shapes.
 */
@ExtendWith(GradAssert.Report.class)
class AttentionOpsTest {

    private static Tensor ids(int... v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return Tensor.wrap(d, v.length);
    }

    /** Gradient check of loss = Σ op(vars) · R with the constants given, in the given precision. */
    private static GradientCheck.Result check(String op, Precision precision, Function<Connection[], Connection> build,
                                              Tensor[] variables, Tensor... constants) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection[] in = new Connection[variables.length + constants.length];
        for (int i = 0; i < variables.length; i++) in[i] = cg.variable(variables[i], String.valueOf((char) ('a' + i)));
        for (int i = 0; i < constants.length; i++) in[variables.length + i] = cg.constant(constants[i], "c" + i);
        Connection loss = GradAssert.weightedLoss(cg, build.apply(in), Map.of(), 7);
        if (precision == Precision.FLOAT64) {
            return GradAssert.assertGradients(op, cg, loss, Map.of(), cg.variables());
        }
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(), cg.variables(), 1e-3, 1e-3, false, Precision.FLOAT32);
        assertTrue(r.passed(), () -> op + " (float32): " + r);
        return r;
    }

    private static String forwardError(Function<ComputationalGraph, Connection> build) {
        ComputationalGraph cg = new ComputationalGraph();
        build.apply(cg);
        return assertThrows(DeepToyException.class, () -> new SimulationContext().forward(cg)).getMessage();
    }

    // ---- embedding ----

    @Test
    void embeddingPicksRowsAndAddsTheGradientsOfARepeatedId() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor e = Tensor.matrix(new double[] {1, 2}, new double[] {3, 4}, new double[] {5, 6});
        Connection table = cg.variable(e, "E");
        Connection y = cg.embedding(table, cg.constant(Tensor.matrix(new double[] {2, 0}, new double[] {2, 2}), "ids"));
        Connection loss = cg.reduceSum(y);
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.wrap(new double[] {5, 6, 1, 2, 5, 6, 5, 6}, 2, 2, 2), ctx.value(y), 0);
        // id 2 is used three times, id 0 once, id 1 never
        assertClose(Tensor.matrix(new double[] {1, 1}, new double[] {0, 0}, new double[] {3, 3}), ctx.gradient(table), 0);
    }

    @Test
    void embeddingGradientCheckInBothPrecisions() {
        Tensor table = Tensor.randomNormal(11, 5, 3), positions = Tensor.wrap(new double[] {4, 1, 1, 0, 3, 4}, 2, 3);
        for (Precision p : Precision.values()) {
            check("embedding", p, v -> v[0].graph().embedding(v[0], v[1]), new Tensor[] {table}, positions);
        }
    }

    @Test
    void embeddingErrorsNameTheIdAndTheTable() {
        String m = forwardError(cg -> cg.embedding(cg.constant(Tensor.zeros(10, 4), "E"), cg.constant(ids(3, 12), "ids")));
        assertTrue(m.startsWith("embedding(E, ids): id 12 at [1] of ids [2] is not a row of the table [10, 4]"), m);
        assertTrue(m.contains("0..9"), m);
        m = forwardError(cg -> cg.embedding(cg.constant(Tensor.zeros(10, 4), "E"), cg.constant(Tensor.vector(0.5), "ids")));
        assertTrue(m.contains("id 0.5"), m);
        m = forwardError(cg -> cg.embedding(cg.constant(Tensor.zeros(10), "E"), cg.constant(ids(1), "ids")));
        assertTrue(m.contains("must be a matrix [vocabulary, dimension] but has shape [10]"), m);
    }

    // ---- batchMatrixMultiply ----

    @Test
    void batchMatrixMultiplyIsOneMatrixProductPerBatchEntry() {
        Tensor a = Tensor.randomNormal(21, 3, 2, 4, 5), b = Tensor.randomNormal(22, 3, 2, 5, 6);
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.batchMatrixMultiply(cg.constant(a, "a"), cg.constant(b, "b"));
        Tensor got = new SimulationContext().forward(cg).value(y);
        assertEquals(List.of(3, 2, 4, 6), java.util.Arrays.stream(got.shape()).boxed().toList());
        for (int i = 0; i < 3; i++) for (int h = 0; h < 2; h++) for (int r = 0; r < 4; r++) for (int c = 0; c < 6; c++) {
            double s = 0;
            for (int k = 0; k < 5; k++) s += a.get(i, h, r, k) * b.get(i, h, k, c);
            assertEquals(s, got.get(i, h, r, c), 1e-12);
        }
    }

    @Test
    void batchMatrixMultiplyGradientCheckInBothPrecisions() {
        Tensor a = Tensor.randomNormal(23, 2, 3, 4), b = Tensor.randomNormal(24, 2, 4, 3);
        check("batchMatrixMultiply", Precision.FLOAT64, v -> v[0].graph().batchMatrixMultiply(v[0], v[1]), new Tensor[] {a, b});
        // Linear in each factor: a step of 1 is exact but for float32's rounding (as matrixMultiply's test).
        ComputationalGraph cg = new ComputationalGraph();
        Connection va = cg.variable(a, "a"), vb = cg.variable(b, "b");
        Connection y = cg.batchMatrixMultiply(va, vb, "y");
        Connection loss = GradAssert.weightedLoss(cg, y, Map.of(), 25);
        SimulationContext f64 = new SimulationContext().forward(cg).backward(cg, loss);
        SimulationContext f32 = new SimulationContext().precision(Precision.FLOAT32).forward(cg).backward(cg, loss);
        assertClose(f64.value(y), f32.value(y), 1e-5);
        assertClose(f64.gradient(va), f32.gradient(va), 1e-5);
        assertClose(f64.gradient(vb), f32.gradient(vb), 1e-5);
        assertFalse(f64.value(y).allClose(f32.value(y), 1e-12), "the float32 products did not run");
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(), cg.variables(), 1, 1e-3, false, Precision.FLOAT32);
        assertTrue(r.passed(), r::toString);
    }

    /** Products of at least SMALL multiply-adds go through BLAS: the same values and gradients as the loops. */
    @Test
    void largeProductsGoThroughBlasAndAgreeWithTheLoops() {
        int m = 33, k = 32, n = 34;
        assertTrue((long) m * n * k >= BatchMatrixMultiply.SMALL);
        Tensor a = Tensor.randomNormal(26, 2, m, k), b = Tensor.randomNormal(27, 2, k, n), r = Tensor.randomNormal(28, 2, m, n);
        for (Precision p : Precision.values()) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection va = cg.variable(a, "a"), vb = cg.variable(b, "b"), y = cg.batchMatrixMultiply(va, vb);
            Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(r)));
            SimulationContext ctx = new SimulationContext().precision(p).forward(cg).backward(cg, loss);
            double[] want = new double[2 * m * n], da = new double[2 * m * k], db = new double[2 * k * n];
            for (int i = 0; i < 2; i++) {
                BatchMatrixMultiply.loops(Precision.FLOAT64, false, false, m, n, k, a.data(), i * m * k, b.data(), i * k * n, want, i * m * n);
                BatchMatrixMultiply.loops(Precision.FLOAT64, false, true, m, k, n, r.data(), i * m * n, b.data(), i * k * n, da, i * m * k);
                BatchMatrixMultiply.loops(Precision.FLOAT64, true, false, k, n, m, a.data(), i * m * k, r.data(), i * m * n, db, i * k * n);
            }
            double tol = p == Precision.FLOAT64 ? 1e-12 : 1e-4;
            assertClose(Tensor.wrap(want, 2, m, n), ctx.value(y), tol);
            assertClose(Tensor.wrap(da, 2, m, k), ctx.gradient(va), tol);
            assertClose(Tensor.wrap(db, 2, k, n), ctx.gradient(vb), tol);
        }
    }

    @Test
    void batchMatrixMultiplyErrorsNameTheShapes() {
        String m = forwardError(cg -> cg.batchMatrixMultiply(cg.constant(Tensor.zeros(2, 3, 4), "q"), cg.constant(Tensor.zeros(2, 3, 4), "k")));
        assertTrue(m.startsWith("batchMatrixMultiply(q, k): inner dimensions differ: [2, 3, 4] x [2, 3, 4]"), m);
        m = forwardError(cg -> cg.batchMatrixMultiply(cg.constant(Tensor.zeros(2, 3, 4), "q"), cg.constant(Tensor.zeros(3, 4, 3), "k")));
        assertTrue(m.contains("the leading (batch) axes differ: [2, 3, 4] x [3, 4, 3]"), m);
        m = forwardError(cg -> cg.batchMatrixMultiply(cg.constant(Tensor.zeros(3, 4), "q"), cg.constant(Tensor.zeros(4, 3), "k")));
        assertTrue(m.contains("for two matrices use matrixMultiply"), m);
    }

    // ---- layerNorm ----

    @Test
    void layerNormNormalizesEachRow() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.layerNorm(cg.constant(Tensor.matrix(new double[] {1, 2, 3}, new double[] {10, 10, 40}), "x"),
                cg.constant(Tensor.vector(1, 2, 1), "g"), cg.constant(Tensor.vector(0, 0, 5), "b"));
        Tensor got = new SimulationContext().forward(cg).value(y);
        double s1 = 1 / Math.sqrt(2.0 / 3 + 1e-5), s2 = 1 / Math.sqrt(200 + 1e-5);
        assertClose(Tensor.matrix(new double[] {-s1, 0, s1 + 5}, new double[] {-10 * s2, -20 * s2, 20 * s2 + 5}), got, 1e-12);
    }

    @Test
    void layerNormGradientCheckInBothPrecisions() {
        Tensor x = Tensor.randomNormal(31, 2, 3, 5), gamma = Tensor.randomNormal(32, 5), beta = Tensor.randomNormal(33, 5);
        for (Precision p : Precision.values()) {
            check("layerNorm", p, v -> v[0].graph().layerNorm(v[0], v[1], v[2]), new Tensor[] {x, gamma, beta});
        }
    }

    @Test
    void layerNormErrorNamesTheShapes() {
        String m = forwardError(cg -> cg.layerNorm(cg.constant(Tensor.zeros(2, 4), "x"), cg.constant(Tensor.ones(3), "g"),
                cg.constant(Tensor.zeros(4), "b")));
        assertTrue(m.startsWith("layerNorm(x, g, b, ε=1.0E-5): γ has shape [3] but x [2, 4] needs [4]"), m);
    }

    // ---- maskedSoftmax ----

    @Test
    void maskedSoftmaxGivesMaskedPositionsNothing() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.maskedSoftmax(cg.constant(Tensor.randomNormal(41, 2, 3, 3), "s"), cg.constant(MaskedSoftmax.causal(3), "m"));
        Tensor got = new SimulationContext().forward(cg).value(y);
        Tensor s = Tensor.randomNormal(41, 2, 3, 3);
        for (int b = 0; b < 2; b++) for (int i = 0; i < 3; i++) {
            double z = 0;
            for (int j = 0; j <= i; j++) z += Math.exp(s.get(b, i, j));
            for (int j = 0; j < 3; j++) assertEquals(j <= i ? Math.exp(s.get(b, i, j)) / z : 0, got.get(b, i, j), 1e-14);
        }
        // all ones: the plain softmax
        ComputationalGraph plain = new ComputationalGraph();
        Connection x = plain.constant(s, "s");
        Connection masked = plain.maskedSoftmax(x, plain.constant(Tensor.ones(3), "m")), soft = plain.softmax(x);
        SimulationContext ctx = new SimulationContext().forward(plain);
        assertClose(ctx.value(soft), ctx.value(masked), 1e-15);
    }

    @Test
    void maskedSoftmaxGradientCheckInBothPrecisions() {
        Tensor s = Tensor.randomNormal(42, 2, 4, 4);
        Tensor padding = Tensor.wrap(new double[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 1, 4);
        for (Precision p : Precision.values()) {
            check("maskedSoftmax", p, v -> v[0].graph().maskedSoftmax(v[0], v[1]), new Tensor[] {s}, MaskedSoftmax.causal(4));
            check("maskedSoftmax", p, v -> v[0].graph().maskedSoftmax(v[0], v[1]), new Tensor[] {s}, padding);
        }
    }

    @Test
    void maskedSoftmaxErrorsNameTheMask() {
        String m = forwardError(cg -> cg.maskedSoftmax(cg.constant(Tensor.zeros(2, 3, 3), "s"), cg.constant(Tensor.ones(4, 4), "m")));
        assertTrue(m.startsWith("maskedSoftmax(s, m): the mask [4, 4] does not broadcast to the scores [2, 3, 3]"), m);
        m = forwardError(cg -> cg.maskedSoftmax(cg.constant(Tensor.zeros(2, 3), "s"), cg.constant(Tensor.full(0.5, 3), "m")));
        assertTrue(m.contains("the mask holds 0.5"), m);
        m = forwardError(cg -> cg.maskedSoftmax(cg.constant(Tensor.zeros(2, 3), "s"), cg.constant(Tensor.matrix(new double[] {1, 0, 0},
                new double[] {0, 0, 0}), "m")));
        assertTrue(m.contains("row [1, 0] of the scores [2, 3] is masked out entirely"), m);
    }

    // ---- together: scaled dot-product attention of [B, T, D] from the ops above ----

    @Test
    void selfAttentionFromTheseOpsPassesTheGradientCheck() {
        int b = 2, t = 3, d = 4;
        check("attention", Precision.FLOAT64, v -> {
            ComputationalGraph cg = v[0].graph();
            Connection x = cg.layerNorm(cg.embedding(v[0], v[4]), v[1], v[2]);
            Connection q = cg.matrixMultiply(cg.reshape(x, b * t, d), v[3]);
            Connection q3 = cg.reshape(q, b, t, d);
            Connection scores = cg.multiply(cg.batchMatrixMultiply(q3, cg.transpose(x, 0, 2, 1)), cg.constant(1 / Math.sqrt(d)));
            return cg.batchMatrixMultiply(cg.maskedSoftmax(scores, v[5]), x);
        }, new Tensor[] {Tensor.randomNormal(51, 5, d), Tensor.randomNormal(52, d), Tensor.randomNormal(53, d),
                Tensor.randomNormal(54, d, d)}, Tensor.wrap(new double[] {0, 4, 2, 3, 3, 1}, b, t), MaskedSoftmax.causal(t));
    }
}
