package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

@ExtendWith(GradAssert.Report.class)
class ReductionOpsTest {
    private static final Tensor M = Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6});

    private static Tensor run(Tensor x, java.util.function.BiFunction<ComputationalGraph, Connection, Connection> op) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = op.apply(cg, cg.constant(x, "x"));
        return new SimulationContext().forward(cg).value(y);
    }

    @Test
    void reduceSumHandComputed() {
        assertClose(Tensor.scalar(21), run(M, ComputationalGraph::reduceSum), 0);
        assertClose(Tensor.vector(5, 7, 9), run(M, (cg, x) -> cg.reduceSum(x, 0)), 0);
        assertClose(Tensor.vector(6, 15), run(M, (cg, x) -> cg.reduceSum(x, 1)), 0);
        assertClose(Tensor.vector(6, 15), run(M, (cg, x) -> cg.reduceSum(x, -1)), 0);
        assertClose(Tensor.matrix(new double[] {5, 7, 9}), run(M, (cg, x) -> cg.reduceSum(x, 0, true)), 0);
        assertClose(Tensor.of(new double[] {6, 15}, 2, 1), run(M, (cg, x) -> cg.reduceSum(x, 1, true)), 0);
    }

    @Test
    void meanHandComputed() {
        assertClose(Tensor.scalar(3.5), run(M, ComputationalGraph::mean), 0);
        assertClose(Tensor.vector(2.5, 3.5, 4.5), run(M, (cg, x) -> cg.mean(x, 0)), 0);
        assertClose(Tensor.vector(2, 5), run(M, (cg, x) -> cg.mean(x, 1)), 0);
        assertClose(Tensor.of(new double[] {2, 5}, 2, 1), run(M, (cg, x) -> cg.mean(x, -1, true)), 0);
        assertClose(Tensor.matrix(new double[] {2.5, 3.5, 4.5}), run(M, (cg, x) -> cg.mean(x, -2, true)), 0);
    }

    /** (op, axis or null for all, keepDims) over a [2, 3, 4] tensor: every axis, both signs. */
    static Stream<Arguments> reductions() {
        List<Arguments> out = new ArrayList<>();
        for (String op : new String[] {"reduceSum", "mean"}) {
            out.add(Arguments.of(op, null, false));
            for (int axis : new int[] {0, 1, 2, -1, -2, -3}) {
                out.add(Arguments.of(op, axis, false));
                out.add(Arguments.of(op, axis, true));
            }
        }
        return out.stream();
    }

    private static Connection reduce(ComputationalGraph cg, Connection x, String op, Integer axis, boolean keepDims) {
        boolean mean = op.equals("mean");
        if (axis == null) return mean ? cg.mean(x) : cg.reduceSum(x);
        return mean ? cg.mean(x, axis, keepDims) : cg.reduceSum(x, axis, keepDims);
    }

    @ParameterizedTest(name = "{0} axis={1} keepDims={2}")
    @MethodSource("reductions")
    void forwardMatchesLoopsOverEveryAxis(String op, Integer axis, boolean keepDims) {
        int[] shape = {2, 3, 4};
        Tensor x = Tensor.randomNormal(31, shape);
        double[] expected;
        int[] expectedShape;
        if (axis == null) {
            double s = 0;
            for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) s += x.get(i, j, k);
            expected = new double[] {op.equals("mean") ? s / 24 : s};
            expectedShape = new int[0];
        } else {
            int a = axis < 0 ? axis + 3 : axis;
            int[] kept = new int[2];
            for (int i = 0, j = 0; i < 3; i++) if (i != a) kept[j++] = shape[i];
            expected = new double[kept[0] * kept[1]];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        int[] idx = {i, j, k};
                        int[] rest = new int[2];
                        for (int d = 0, e = 0; d < 3; d++) if (d != a) rest[e++] = idx[d];
                        expected[rest[0] * kept[1] + rest[1]] += x.get(i, j, k) / (op.equals("mean") ? shape[a] : 1);
                    }
                }
            }
            expectedShape = keepDims ? shape.clone() : kept;
            if (keepDims) expectedShape[a] = 1;
        }
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = reduce(cg, cg.constant(x, "x"), op, axis, keepDims);
        Tensor actual = new SimulationContext().forward(cg).value(y);
        assertArrayEquals(expectedShape, actual.shape());
        assertClose(Tensor.of(expected, expectedShape), actual, 1e-12);
    }

    @ParameterizedTest(name = "{0} axis={1} keepDims={2}")
    @MethodSource("reductions")
    void backwardMatchesNumericGradient(String op, Integer axis, boolean keepDims) {
        GradAssert.checkOp(op, 41, v -> reduce(v[0].graph(), v[0], op, axis, keepDims), Tensor.randomNormal(43, 2, 3, 4));
    }

    @Test
    void backwardMatchesNumericGradientOnAVector() {
        GradAssert.checkOp("reduceSum", 44, v -> v[0].graph().reduceSum(v[0], 0), Tensor.randomNormal(45, 5));
        GradAssert.checkOp("mean", 46, v -> v[0].graph().mean(v[0], 0), Tensor.randomNormal(47, 5));
    }

    @Test
    void reduceMaxHandComputed() {
        Tensor m = Tensor.matrix(new double[] {1, 7, 3}, new double[] {9, 5, 6});
        assertClose(Tensor.scalar(9), run(m, ComputationalGraph::reduceMax), 0);
        assertClose(Tensor.vector(9, 7, 6), run(m, (cg, x) -> cg.reduceMax(x, 0)), 0);
        assertClose(Tensor.vector(7, 9), run(m, (cg, x) -> cg.reduceMax(x, 1)), 0);
        assertClose(Tensor.of(new double[] {7, 9}, 2, 1), run(m, (cg, x) -> cg.reduceMax(x, -1, true)), 0);
        assertClose(Tensor.vector(-1), run(Tensor.vector(-3, -1, -2), (cg, x) -> cg.reduceMax(x, 0, true)), 0);
    }

    @Test
    void reduceMaxPassesTheGradientToTheLargestValueOnlyTheFirstOnATie() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.matrix(new double[] {1, 7, 7}, new double[] {9, 5, 6}), "x");
        Connection loss = cg.reduceSum(cg.multiply(cg.reduceMax(x, 1), cg.constant(Tensor.vector(10, 20))));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.matrix(new double[] {0, 10, 0}, new double[] {20, 0, 0}), ctx.gradient(x), 0);
    }

    /** reduceMax over every axis of a [2, 3, 4] tensor of distinct values, against loops, and its gradient check. */
    @ParameterizedTest(name = "reduceMax axis={0} keepDims={1}")
    @MethodSource("maxAxes")
    void reduceMaxMatchesLoopsAndNumericGradient(Integer axis, boolean keepDims) {
        Tensor x = Tensor.randomNormal(51, 2, 3, 4);
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = axis == null ? cg.reduceMax(cg.constant(x, "x")) : cg.reduceMax(cg.constant(x, "x"), axis, keepDims);
        Tensor got = new SimulationContext().forward(cg).value(y);
        if (axis == null) {
            assertClose(Tensor.scalar(x.max()), got, 0);
        } else {
            int a = axis < 0 ? axis + 3 : axis;
            int[] shape = {2, 3, 4};
            int[] out = shape.clone();
            out[a] = 1;
            double[] want = new double[out[0] * out[1] * out[2]];
            java.util.Arrays.fill(want, Double.NEGATIVE_INFINITY);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        int[] o = {i, j, k};
                        o[a] = 0;
                        int flat = (o[0] * out[1] + o[1]) * out[2] + o[2];
                        want[flat] = Math.max(want[flat], x.get(i, j, k));
                    }
                }
            }
            int[] wantShape = keepDims ? out : Axes.reduced(shape, a, false);
            assertArrayEquals(wantShape, got.shape());
            assertClose(Tensor.of(want, wantShape), got, 0);
        }
        GradAssert.checkOp("reduceMax", 53, v -> axis == null ? v[0].graph().reduceMax(v[0])
                : v[0].graph().reduceMax(v[0], axis, keepDims), x);
    }

    static Stream<Arguments> maxAxes() {
        List<Arguments> out = new ArrayList<>();
        out.add(Arguments.of(null, false));
        for (int axis : new int[] {0, 1, 2, -1}) {
            out.add(Arguments.of(axis, false));
            out.add(Arguments.of(axis, true));
        }
        return out.stream();
    }
}
