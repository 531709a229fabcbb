package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(GradAssert.Report.class)
class SoftmaxTest {
    private static final int[] SHAPE = {2, 3, 4};

    private static Tensor run(Tensor x, java.util.function.BiFunction<ComputationalGraph, Connection, Connection> op) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = op.apply(cg, cg.constant(x, "x"));
        return new SimulationContext().forward(cg).value(y);
    }

    /** softmax along {@code axis} of a [2, 3, 4] tensor, straight from the definition e^x_i / Σ e^x_j. */
    private static Tensor softmaxByDefinition(Tensor x, int axis, boolean log) {
        int a = axis < 0 ? axis + 3 : axis;
        Tensor y = Tensor.zeros(SHAPE);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            int[] idx = {i, j, k};
            double z = 0;
            for (int t = 0; t < SHAPE[a]; t++) {
                int[] other = idx.clone();
                other[a] = t;
                z += Math.exp(x.get(other));
            }
            double v = Math.exp(x.get(idx)) / z;
            y.data()[(i * 3 + j) * 4 + k] = log ? x.get(idx) - Math.log(z) : v;
        }
        return y;
    }

    @Test
    void softmaxHandComputed() {
        double e = Math.E, z = e + e * e + e * e * e;
        assertClose(Tensor.vector(e / z, e * e / z, e * e * e / z), run(Tensor.vector(1, 2, 3), ComputationalGraph::softmax), 1e-15);
        assertClose(Tensor.matrix(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}),
                run(Tensor.matrix(new double[] {7, 7}, new double[] {-3, -3}), ComputationalGraph::softmax), 1e-15);
        // Along axis 0 of [[0, 1], [0, 1]] every column holds two equal values.
        assertClose(Tensor.matrix(new double[] {0.5, 0.5}, new double[] {0.5, 0.5}),
                run(Tensor.matrix(new double[] {0, 1}, new double[] {0, 1}), (cg, x) -> cg.softmax(x, 0)), 1e-15);
        assertClose(Tensor.vector(1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z)),
                run(Tensor.vector(1, 2, 3), ComputationalGraph::logSoftmax), 1e-14);
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {0, 1, 2, -1, -2, -3})
    void softmaxMatchesTheDefinitionAlongEveryAxis(int axis) {
        Tensor x = Tensor.randomNormal(81, SHAPE);
        assertClose(softmaxByDefinition(x, axis, false), run(x, (cg, c) -> cg.softmax(c, axis)), 1e-14);
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {0, 1, 2, -1, -2, -3})
    void logSoftmaxMatchesTheDefinitionAlongEveryAxis(int axis) {
        Tensor x = Tensor.randomNormal(82, SHAPE);
        assertClose(softmaxByDefinition(x, axis, true), run(x, (cg, c) -> cg.logSoftmax(c, axis)), 1e-14);
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {0, 1, 2, -1, -2, -3})
    void softmaxBackwardMatchesNumericGradient(int axis) {
        GradAssert.checkOp("softmax", 83, v -> v[0].graph().softmax(v[0], axis), Tensor.randomNormal(84, SHAPE));
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {0, 1, 2, -1, -2, -3})
    void logSoftmaxBackwardMatchesNumericGradient(int axis) {
        GradAssert.checkOp("logSoftmax", 85, v -> v[0].graph().logSoftmax(v[0], axis), Tensor.randomNormal(86, SHAPE));
    }

    @Test
    void backwardMatchesNumericGradientOnVectorsAndMatrices() {
        GradAssert.checkOp("softmax", 87, v -> v[0].graph().softmax(v[0]), Tensor.randomNormal(88, 5));
        GradAssert.checkOp("logSoftmax", 89, v -> v[0].graph().logSoftmax(v[0]), Tensor.randomNormal(90, 4, 7));
        GradAssert.checkOp("softmax", 91, v -> v[0].graph().softmax(v[0], 0), Tensor.randomNormal(92, 4, 7));
    }

    @Test
    void softmaxOfHugeLogitsIsFiniteAndExact() {
        Tensor y = run(Tensor.vector(1000, 0, -1000), ComputationalGraph::softmax);
        assertClose(Tensor.vector(1, 0, 0), y, 1e-12);
        Tensor logY = run(Tensor.vector(1000, 0, -1000), ComputationalGraph::logSoftmax);
        assertClose(Tensor.vector(0, -1000, -2000), logY, 1e-12);
    }

    @Test
    void softmaxRowsSumToOne() {
        Tensor y = run(Tensor.randomNormal(93, 5, 6), ComputationalGraph::softmax);
        for (int i = 0; i < 5; i++) {
            double s = 0;
            for (int j = 0; j < 6; j++) s += y.get(i, j);
            assertEquals(1, s, 1e-14);
        }
    }

    @Test
    void logSumExpTakesEveryStrideThValueAndNeverOverflows() {
        double[] d = {1000, -1, 1000, -1, 999};
        assertEquals(1000 + Math.log(2 + Math.exp(-1)), LogSoftmax.logSumExp(d, 0, 3, 2), 1e-12);
        assertEquals(Math.log(Math.exp(-1) + Math.exp(-1)), LogSoftmax.logSumExp(d, 1, 2, 2), 1e-12);
        assertEquals(-1000 + Math.log(2), LogSoftmax.logSumExp(new double[] {-1000, -1000}, 0, 2, 1), 1e-12);
    }
}
