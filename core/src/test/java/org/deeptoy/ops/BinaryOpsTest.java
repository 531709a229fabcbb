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

import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;

import static org.deeptoy.GradAssert.assertClose;

@ExtendWith(GradAssert.Report.class)
class BinaryOpsTest {

    interface Build {
        Connection apply(ComputationalGraph cg, Connection a, Connection b);
    }

    record Case(String name, Build op, DoubleBinaryOperator reference) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("sum", ComputationalGraph::sum, Double::sum),
                new Case("subtract", ComputationalGraph::subtract, (a, b) -> a - b),
                new Case("multiply", ComputationalGraph::multiply, (a, b) -> a * b),
                new Case("div", ComputationalGraph::div, (a, b) -> a / b),
                new Case("max", ComputationalGraph::max, Math::max),
                new Case("greater", ComputationalGraph::greater, (a, b) -> a > b ? 1 : 0));
    }

    /** Shape pairs and the broadcast shape, as numpy gives it (written by hand). */
    static final int[][][] SHAPES = {
            {{3, 4}, {3, 4}, {3, 4}},
            {{3, 4}, {4}, {3, 4}},          // a [n] bias on rows
            {{3, 4}, {3, 1}, {3, 4}},       // a [n, 1] bias on columns
            {{3, 4}, {1, 4}, {3, 4}},
            {{3, 4}, {}, {3, 4}},           // a scalar
            {{}, {2, 3}, {2, 3}},
            {{2, 1, 4}, {3, 1}, {2, 3, 4}},
            {{4, 1}, {1, 5}, {4, 5}},       // an outer product
            {{5}, {5}, {5}},
    };

    static Stream<Arguments> casesAndShapes() {
        return cases().flatMap(c -> Stream.of(SHAPES).map(s -> Arguments.of(c, s[0], s[1], s[2])));
    }

    /**
     * Inputs for the op: b away from 0 for div, and |a - b| >= 0.1 for max, so that finite
     * differences never straddle a kink (for max and greater's step).
     */
    static Tensor[] inputs(String op, long seed, int[] sa, int[] sb, int[] out) {
        Tensor a = Tensor.randomNormal(seed, sa);
        Tensor b = op.equals("div") ? GradAssert.awayFromZero(seed + 1, 0.5, sb) : Tensor.randomNormal(seed + 1, sb);
        if (op.equals("max") || op.equals("greater")) {
            // Whole numbers against halves: every pair is at least 0.5 apart, whatever broadcasting pairs up.
            Random r = new Random(seed);
            double[] da = a.data(), db = b.data();
            for (int i = 0; i < da.length; i++) da[i] = r.nextInt(9) - 4;
            for (int i = 0; i < db.length; i++) db[i] = r.nextInt(8) - 4 + 0.5;
        }
        return new Tensor[] {a, b};
    }

    /** y[i] = f(a[..], b[..]) with numpy's alignment from the last axis, by plain index arithmetic. */
    static Tensor reference(Tensor a, Tensor b, int[] out, DoubleBinaryOperator f) {
        int n = 1;
        for (int s : out) n *= s;
        double[] y = new double[n];
        for (int k = 0; k < n; k++) {
            int[] idx = new int[out.length];
            for (int i = out.length - 1, rest = k; i >= 0; i--) {
                idx[i] = rest % out[i];
                rest /= out[i];
            }
            y[k] = f.applyAsDouble(a.get(align(idx, a.shape())), b.get(align(idx, b.shape())));
        }
        return Tensor.of(y, out);
    }

    private static int[] align(int[] idx, int[] shape) {
        int[] j = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            int k = idx.length - shape.length + i;
            j[i] = shape[i] == 1 ? 0 : idx[k];
        }
        return j;
    }

    @ParameterizedTest(name = "{0} of {1} and {2}")
    @MethodSource("casesAndShapes")
    void forwardBroadcastsLikeNumpy(Case c, int[] sa, int[] sb, int[] out) {
        Tensor[] in = inputs(c.name, 3, sa, sb, out);
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = c.op.apply(cg, cg.constant(in[0], "a"), cg.constant(in[1], "b"));
        assertClose(reference(in[0], in[1], out, c.reference), new SimulationContext().forward(cg).value(y), 1e-15);
    }

    @ParameterizedTest(name = "{0} of {1} and {2}")
    @MethodSource("casesAndShapes")
    void backwardMatchesNumericGradient(Case c, int[] sa, int[] sb, int[] out) {
        Tensor[] in = inputs(c.name, 5, sa, sb, out);
        GradAssert.checkOp(c.name, 7, v -> c.op.apply(v[0].graph(), v[0], v[1]), in);
    }

    @Test
    void backwardMatchesNumericGradientForMaxWithAScalar() {
        GradAssert.checkOp("max(x, scalar)", 9, v -> v[0].graph().max(v[0], 0.3),
                Tensor.randomUniform(9, 0.4, 2, 3, 4));
    }

    private static Tensor run(Build op, Tensor a, Tensor b) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = op.apply(cg, cg.constant(a, "a"), cg.constant(b, "b"));
        return new SimulationContext().forward(cg).value(y);
    }

    @Test
    void handComputedValues() {
        Tensor m = Tensor.matrix(new double[] {1, 2}, new double[] {3, 4});
        assertClose(Tensor.matrix(new double[] {11, 22}, new double[] {13, 24}),
                run(ComputationalGraph::sum, m, Tensor.vector(10, 20)), 0);
        assertClose(Tensor.matrix(new double[] {11, 12}, new double[] {23, 24}),
                run(ComputationalGraph::sum, m, Tensor.of(new double[] {10, 20}, 2, 1)), 0);
        assertClose(Tensor.vector(3, 5), run(ComputationalGraph::subtract, Tensor.vector(5, 7), Tensor.scalar(2)), 0);
        assertClose(Tensor.vector(-3, -5), run(ComputationalGraph::subtract, Tensor.scalar(2), Tensor.vector(5, 7)), 0);
        assertClose(Tensor.matrix(new double[] {2, 4}, new double[] {9, 12}),
                run(ComputationalGraph::multiply, m, Tensor.of(new double[] {2, 3}, 2, 1)), 0);
        assertClose(Tensor.vector(0.5, 1, 1.5), run(ComputationalGraph::div, Tensor.vector(1, 2, 3), Tensor.scalar(2)), 0);
        assertClose(Tensor.matrix(new double[] {0.25, 0.125}, new double[] {0.5, 0.25}),
                run(ComputationalGraph::div, Tensor.of(new double[] {1, 2}, 2, 1), Tensor.vector(4, 8)), 0);
        assertClose(Tensor.vector(4, 5, 3), run(ComputationalGraph::max, Tensor.vector(1, 5, 3), Tensor.vector(4, 2, 3)), 0);
        assertClose(Tensor.vector(0, 0.5, 2), run((cg, a, b) -> cg.max(a, 0.0), Tensor.vector(-1, 0.5, 2), Tensor.scalar(0)), 0);
        assertClose(Tensor.vector(0, 0, 1), run(ComputationalGraph::greater, Tensor.vector(1, 3, 3), Tensor.vector(4, 3, 2)), 0);
        assertClose(Tensor.matrix(new double[] {0, 1}, new double[] {1, 0}),
                run((cg, a, b) -> cg.greater(a, 0.0), Tensor.matrix(new double[] {-1, 0.5}, new double[] {2, 0}), Tensor.scalar(0)), 0);
    }

    @Test
    void maxGivesTheWholeGradientOfATieToItsFirstArgument() {
        // Max.java: "on a tie, a (the first argument) takes all of it".
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(Tensor.vector(3, 1, 2), "a");
        Connection b = cg.variable(Tensor.vector(3, 2, 2), "b");
        Connection loss = cg.reduceSum(cg.multiply(cg.max(a, b), cg.constant(Tensor.vector(10, 20, 30))));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.vector(10, 0, 30), ctx.gradient(a), 0);
        assertClose(Tensor.vector(0, 20, 0), ctx.gradient(b), 0);
    }

    @Test
    void maxWithAScalarPassesTheGradientAtTheTie() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(-1, 0, 2), "x");
        Connection loss = cg.reduceSum(cg.max(x, 0.0));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.vector(0, 1, 1), ctx.gradient(x), 0);
    }
}
