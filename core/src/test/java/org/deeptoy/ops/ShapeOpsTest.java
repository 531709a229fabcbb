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

import java.util.function.Function;
import java.util.stream.Stream;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(GradAssert.Report.class)
class ShapeOpsTest {

    private static Tensor run(Tensor x, Function<Connection, Connection> op) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = op.apply(cg.constant(x, "x"));
        return new SimulationContext().forward(cg).value(y);
    }

    private static Tensor arange(int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return Tensor.of(d, shape);
    }

    // ---- transpose ----------------------------------------------------------------------------

    @Test
    void transposeOfAMatrixSwapsRowsAndColumns() {
        Tensor y = run(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}), x -> x.graph().transpose(x));
        assertClose(Tensor.matrix(new double[] {1, 4}, new double[] {2, 5}, new double[] {3, 6}), y, 0);
    }

    @Test
    void transposeWithoutAxesReversesThem() {
        Tensor x = arange(2, 3, 4);
        Tensor y = run(x, c -> c.graph().transpose(c));
        assertArrayEquals(new int[] {4, 3, 2}, y.shape());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            assertEquals(x.get(i, j, k), y.get(k, j, i));
        }
    }

    static Stream<int[]> permutations() {
        return Stream.of(new int[] {2, 0, 1}, new int[] {1, 2, 0}, new int[] {0, 2, 1}, new int[] {1, 0, 2},
                new int[] {2, 1, 0}, new int[] {0, 1, 2}, new int[] {-1, 0, 1});
    }

    @ParameterizedTest(name = "axes {0}")
    @MethodSource("permutations")
    void transposePutsInputAxisAxesIAtOutputAxisI(int[] axes) {
        int[] shape = {2, 3, 4};
        Tensor x = arange(shape);
        Tensor y = run(x, c -> c.graph().transpose(c, axes));
        int[] p = new int[3];
        for (int i = 0; i < 3; i++) p[i] = axes[i] < 0 ? axes[i] + 3 : axes[i];
        assertArrayEquals(new int[] {shape[p[0]], shape[p[1]], shape[p[2]]}, y.shape());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            int[] in = {i, j, k};
            assertEquals(x.get(in), y.get(in[p[0]], in[p[1]], in[p[2]]), "x" + java.util.Arrays.toString(in));
        }
    }

    @Test
    void transposeTwoZeroOneHandComputed() {
        // x[i, j, k] = 100 i + 10 j + k for shape [2, 2, 3]; y = transpose(x, 2, 0, 1) has shape [3, 2, 2]
        // and y[k, i, j] = x[i, j, k].
        double[] d = new double[12];
        for (int i = 0, n = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 3; k++) d[n++] = 100 * i + 10 * j + k;
        Tensor y = run(Tensor.of(d, 2, 2, 3), c -> c.graph().transpose(c, 2, 0, 1));
        assertClose(Tensor.of(new double[] {0, 10, 100, 110, 1, 11, 101, 111, 2, 12, 102, 112}, 3, 2, 2), y, 0);
    }

    @ParameterizedTest(name = "axes {0}")
    @MethodSource("permutations")
    void transposeBackwardMatchesNumericGradient(int[] axes) {
        GradAssert.checkOp("transpose", 51, v -> v[0].graph().transpose(v[0], axes), Tensor.randomNormal(52, 2, 3, 4));
    }

    @Test
    void transposeBackwardMatchesNumericGradientForMatricesAndFourAxes() {
        GradAssert.checkOp("transpose", 53, v -> v[0].graph().transpose(v[0]), Tensor.randomNormal(54, 3, 5));
        GradAssert.checkOp("transpose", 55, v -> v[0].graph().transpose(v[0], 3, 1, 0, 2), Tensor.randomNormal(56, 2, 3, 1, 4));
    }

    // ---- reshape ------------------------------------------------------------------------------

    static Stream<Arguments> reshapes() {
        return Stream.of(
                Arguments.of(new int[] {2, 3, 4}, new int[] {6, 4}, new int[] {6, 4}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {4, -1}, new int[] {4, 6}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {-1}, new int[] {24}),
                Arguments.of(new int[] {2, 3, 4}, new int[] {2, -1, 3}, new int[] {2, 4, 3}),
                Arguments.of(new int[] {6}, new int[] {3, 2}, new int[] {3, 2}),
                Arguments.of(new int[] {1}, new int[] {}, new int[] {}),
                Arguments.of(new int[] {}, new int[] {1, 1}, new int[] {1, 1}));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("reshapes")
    void reshapeKeepsRowMajorOrder(int[] from, int[] to, int[] expected) {
        Tensor x = arange(from);
        Tensor y = run(x, c -> c.graph().reshape(c, to));
        assertArrayEquals(expected, y.shape());
        assertArrayEquals(x.toArray(), y.toArray());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("reshapes")
    void reshapeBackwardMatchesNumericGradient(int[] from, int[] to, int[] expected) {
        GradAssert.checkOp("reshape", 61, v -> v[0].graph().tanh(v[0].graph().reshape(v[0], to)), Tensor.randomNormal(62, from));
    }

    // ---- broadcast ----------------------------------------------------------------------------

    static Stream<Arguments> broadcasts() {
        return Stream.of(
                Arguments.of(new int[] {3}, new int[] {2, 3}),
                Arguments.of(new int[] {3, 1}, new int[] {3, 4}),
                Arguments.of(new int[] {}, new int[] {2, 2}),
                Arguments.of(new int[] {1, 4}, new int[] {2, 3, 4}),
                Arguments.of(new int[] {2, 1, 4}, new int[] {2, 3, 4}),
                Arguments.of(new int[] {2, 3}, new int[] {2, 3}));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("broadcasts")
    void broadcastRepeatsAlongSizeOneAxes(int[] from, int[] to) {
        Tensor x = Tensor.randomNormal(71, from);
        Tensor y = run(x, c -> c.graph().broadcast(c, to));
        assertArrayEquals(to, y.shape());
        int n = y.size();
        for (int k = 0; k < n; k++) {
            int[] idx = y.unravel(k), src = new int[from.length];
            for (int i = 0; i < from.length; i++) src[i] = from[i] == 1 ? 0 : idx[idx.length - from.length + i];
            assertEquals(x.get(src), y.get(idx), "y" + java.util.Arrays.toString(idx));
        }
    }

    @Test
    void broadcastHandComputed() {
        assertClose(Tensor.matrix(new double[] {1, 2, 3}, new double[] {1, 2, 3}),
                run(Tensor.vector(1, 2, 3), c -> c.graph().broadcast(c, 2, 3)), 0);
        assertClose(Tensor.matrix(new double[] {1, 1}, new double[] {2, 2}),
                run(Tensor.of(new double[] {1, 2}, 2, 1), c -> c.graph().broadcast(c, 2, 2)), 0);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("broadcasts")
    void broadcastBackwardSumsOverTheRepeats(int[] from, int[] to) {
        GradAssert.checkOp("broadcast", 72, v -> v[0].graph().broadcast(v[0], to), Tensor.randomNormal(73, from));
    }
}
