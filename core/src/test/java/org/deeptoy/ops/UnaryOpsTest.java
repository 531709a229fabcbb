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

import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GradAssert.Report.class)
class UnaryOpsTest {

    /** An element-wise op, its plain-Java reference, and inputs kept inside its domain and away from kinks. */
    record Case(String name, BiFunction<ComputationalGraph, Connection, Connection> op, DoubleUnaryOperator reference,
                Input input) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface Input {
        Tensor make(long seed, int... shape);
    }

    static Stream<Case> cases() {
        Input normal = Tensor::randomNormal;
        Input positive = (seed, shape) -> Tensor.randomUniform(seed, 0.5, 3, shape);
        Input awayFromZero = (seed, shape) -> GradAssert.awayFromZero(seed, 0.1, shape);
        return Stream.of(
                new Case("negate", ComputationalGraph::negate, x -> -x, normal),
                new Case("exp", ComputationalGraph::exp, Math::exp, normal),
                new Case("log", ComputationalGraph::log, Math::log, positive),
                new Case("pow 2", (cg, x) -> cg.pow(x, 2), x -> x * x, normal),
                new Case("pow 3 of negatives", (cg, x) -> cg.pow(x, 3), x -> x * x * x, awayFromZero),
                new Case("pow 0.5", (cg, x) -> cg.pow(x, 0.5), Math::sqrt, positive),
                new Case("pow -1", (cg, x) -> cg.pow(x, -1), x -> 1 / x, positive),
                new Case("pow 2.5", (cg, x) -> cg.pow(x, 2.5), x -> x * x * Math.sqrt(x), positive),
                new Case("sqrt", ComputationalGraph::sqrt, Math::sqrt, positive),
                new Case("square", ComputationalGraph::square, x -> x * x, normal),
                new Case("sigmoid", ComputationalGraph::sigmoid, x -> 1 / (1 + Math.exp(-x)), normal),
                new Case("tanh", ComputationalGraph::tanh, x -> (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1), normal),
                new Case("relu", ComputationalGraph::relu, x -> x > 0 ? x : 0, awayFromZero));
    }

    static Stream<Arguments> casesAndShapes() {
        int[][] shapes = {{}, {5}, {3, 4}, {2, 3, 4}};
        return cases().flatMap(c -> Stream.of(shapes).map(s -> Arguments.of(c, s)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesAndShapes")
    void forwardMatchesPlainJavaReference(Case c, int[] shape) {
        Tensor x = c.input.make(11, shape);
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = c.op.apply(cg, cg.constant(x, "x"));
        Tensor actual = new SimulationContext().forward(cg).value(y);
        double[] expected = new double[x.size()];
        for (int i = 0; i < expected.length; i++) expected[i] = c.reference.applyAsDouble(x.data()[i]);
        assertClose(Tensor.of(expected, shape), actual, 1e-12);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("casesAndShapes")
    void backwardMatchesNumericGradient(Case c, int[] shape) {
        GradAssert.checkOp(c.name.split(" ")[0], 21, v -> c.op.apply(v[0].graph(), v[0]), c.input.make(21, shape));
    }

    private static Tensor run(BiFunction<ComputationalGraph, Connection, Connection> op, double... x) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = op.apply(cg, cg.constant(Tensor.vector(x), "x"));
        return new SimulationContext().forward(cg).value(y);
    }

    @Test
    void handComputedValues() {
        assertClose(Tensor.vector(-1, 2, 0), run(ComputationalGraph::negate, 1, -2, 0), 0);
        assertClose(Tensor.vector(1, 2.718281828459045, 0.36787944117144233), run(ComputationalGraph::exp, 0, 1, -1), 1e-15);
        assertClose(Tensor.vector(0, 1, -0.6931471805599453), run(ComputationalGraph::log, 1, Math.E, 0.5), 1e-15);
        assertClose(Tensor.vector(8, 27, -8), run((cg, x) -> cg.pow(x, 3), 2, 3, -2), 1e-12);
        assertClose(Tensor.vector(2, 0.5), run((cg, x) -> cg.pow(x, 0.5), 4, 0.25), 1e-15);
        assertClose(Tensor.vector(0.5, -0.25), run((cg, x) -> cg.pow(x, -1), 2, -4), 1e-15);
        assertClose(Tensor.vector(2, 3, 1.4142135623730951), run(ComputationalGraph::sqrt, 4, 9, 2), 1e-15);
        assertClose(Tensor.vector(9, 0.25, 0), run(ComputationalGraph::square, -3, 0.5, 0), 0);
        assertClose(Tensor.vector(0.5, 0.75, 0.25), run(ComputationalGraph::sigmoid, 0, Math.log(3), -Math.log(3)), 1e-15);
        assertClose(Tensor.vector(0, 0.6, -0.6), run(ComputationalGraph::tanh, 0, Math.log(2), -Math.log(2)), 1e-15);
        assertClose(Tensor.vector(0, 0, 3), run(ComputationalGraph::relu, -2, 0, 3), 0);
    }

    @Test
    void sigmoidSaturatesWithoutNaNForHugeInputs() {
        Tensor y = run(ComputationalGraph::sigmoid, -800, 800);
        assertEquals(0, y.get(0), 0);
        assertEquals(1, y.get(1), 0);
    }

    @Test
    void reluGradientIsZeroAtZeroAndOneAbove() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(-1, 0, 2), "x");
        Connection loss = cg.reduceSum(cg.relu(x));
        SimulationContext ctx = new SimulationContext().forward(cg);
        ctx.backward(cg, loss);
        assertClose(Tensor.vector(0, 0, 1), ctx.gradient(x), 0);
    }

    @Test
    void powWithExponentZeroHasZeroGradientEvenAtZero() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(0, 2), "x");
        Connection y = cg.pow(x, 0);
        Connection loss = cg.reduceSum(y);
        SimulationContext ctx = new SimulationContext().forward(cg);
        ctx.backward(cg, loss);
        assertClose(Tensor.vector(1, 1), ctx.value(y), 0);
        assertTrue(ctx.gradient(x).allClose(Tensor.vector(0, 0), 0), () -> "d/dx x^0 = 0, got " + ctx.gradient(x));
    }
}
