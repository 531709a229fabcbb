package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.check.GradientCheck;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GradAssert.Report.class)
class MatrixMultiplyTest {

    private static Tensor run(Tensor a, Tensor b) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.matrixMultiply(cg.constant(a, "a"), cg.constant(b, "b"));
        return new SimulationContext().forward(cg).value(y);
    }

    @Test
    void handComputedProducts() {
        assertClose(Tensor.matrix(new double[] {19, 22}, new double[] {43, 50}),
                run(Tensor.matrix(new double[] {1, 2}, new double[] {3, 4}), Tensor.matrix(new double[] {5, 6}, new double[] {7, 8})), 0);
        assertClose(Tensor.matrix(new double[] {58, 64}, new double[] {139, 154}),
                run(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}),
                        Tensor.matrix(new double[] {7, 8}, new double[] {9, 10}, new double[] {11, 12})), 0);
        assertClose(Tensor.matrix(new double[] {14}), run(Tensor.matrix(new double[] {1, 2, 3}), Tensor.of(new double[] {1, 2, 3}, 3, 1)), 0);
        assertClose(Tensor.matrix(new double[] {3, 6}, new double[] {4, 8}),
                run(Tensor.of(new double[] {3, 4}, 2, 1), Tensor.matrix(new double[] {1, 2})), 0);
    }

    @ParameterizedTest(name = "[{0}, {1}] x [{1}, {2}]")
    @CsvSource({"3, 4, 5", "1, 3, 1", "5, 2, 7", "4, 4, 4", "7, 1, 3"})
    void forwardMatchesTripleLoop(int m, int k, int n) {
        Tensor a = Tensor.randomNormal(1, m, k), b = Tensor.randomNormal(2, k, n);
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < k; l++) y[i * n + j] += a.get(i, l) * b.get(l, j);
            }
        }
        assertClose(Tensor.of(y, m, n), run(a, b), 1e-12);
    }

    @ParameterizedTest(name = "[{0}, {1}] x [{1}, {2}]")
    @CsvSource({"3, 4, 5", "1, 3, 1", "5, 2, 7", "4, 4, 4", "7, 1, 3"})
    void backwardMatchesNumericGradient(int m, int k, int n) {
        GradAssert.checkOp("matrixMultiply", 3, v -> v[0].graph().matrixMultiply(v[0], v[1]),
                Tensor.randomNormal(4, m, k), Tensor.randomNormal(5, k, n));
    }

    @Test
    void columnBiasOfShapeNBy1GetsTheSumOverTheBatch() {
        // W·x + b with x [features, batch] and b [n, 1].
        GradAssert.checkOp("matrixMultiply + bias", 6, v -> {
            ComputationalGraph cg = v[0].graph();
            return cg.tanh(cg.sum(cg.matrixMultiply(v[0], v[1]), v[2]));
        }, Tensor.randomNormal(7, 4, 3), Tensor.randomNormal(8, 3, 6), Tensor.randomNormal(9, 4, 1));
    }

    @Test
    void rowBiasOfShapeNGetsTheSumOverTheBatch() {
        // x·W + b with x [batch, features] and b [n].
        GradAssert.checkOp("matrixMultiply + bias", 10, v -> {
            ComputationalGraph cg = v[0].graph();
            return cg.sigmoid(cg.sum(cg.matrixMultiply(v[0], v[1]), v[2]));
        }, Tensor.randomNormal(11, 6, 3), Tensor.randomNormal(12, 3, 4), Tensor.randomNormal(13, 4));
    }

    @Test
    void biasGradientIsTheBatchSumOfTheOutputGradient() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.constant(Tensor.randomNormal(1, 5, 3), "x");
        Connection w = cg.variable(Tensor.randomNormal(2, 3, 2), "W");
        Connection b = cg.variable(Tensor.vector(0.5, -0.5), "b");
        Tensor r = Tensor.randomNormal(3, 5, 2);
        Connection loss = cg.reduceSum(cg.multiply(cg.sum(cg.matrixMultiply(x, w), b), cg.constant(r)));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        double[] expected = new double[2];
        for (int i = 0; i < 5; i++) for (int j = 0; j < 2; j++) expected[j] += r.get(i, j);
        assertClose(Tensor.vector(expected), ctx.gradient(b), 1e-12);
    }

    /**
     * Training's float32 products (Precision.FLOAT32): the float64 values and gradients to float
     * precision, and a gradient check of their own (the product is linear in each factor, so a
     * central difference with a step of 1 is exact but for float32's rounding).
     */
    @ParameterizedTest(name = "[{0}, {1}] x [{1}, {2}]")
    @CsvSource({"3, 4, 5", "1, 7, 1", "6, 1, 3"})
    void float32ProductsMatchFloat64AndPassTheirGradientCheck(int m, int k, int n) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(Tensor.randomNormal(31, m, k), "a"), b = cg.variable(Tensor.randomNormal(32, k, n), "b");
        Connection y = cg.matrixMultiply(a, b, "y");
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(Tensor.randomNormal(33, m, n), "R")));
        SimulationContext f64 = new SimulationContext().forward(cg).backward(cg, loss);
        SimulationContext f32 = new SimulationContext().precision(Precision.FLOAT32).forward(cg).backward(cg, loss);
        assertClose(f64.value(y), f32.value(y), 1e-6);
        assertClose(f64.gradient(a), f32.gradient(a), 1e-6);
        assertClose(f64.gradient(b), f32.gradient(b), 1e-6);
        assertFalse(f64.value(y).allClose(f32.value(y), 1e-12), "the float32 products did not run");
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(), cg.variables(), 1, 1e-3, false, Precision.FLOAT32);
        assertTrue(r.passed(), r::toString);
    }
}
