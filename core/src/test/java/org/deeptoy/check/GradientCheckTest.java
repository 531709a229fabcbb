package org.deeptoy.check;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientCheckTest {

    /** y = x², with a backward that is right everywhere except at one flat position, where it says 0. */
    static final class SquareWrongAt extends Node {
        final int wrong;

        SquareWrongAt(int wrong) {
            super("squareWrongAt");
            this.wrong = wrong;
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            double[] d = x[0].toArray();
            for (int i = 0; i < d.length; i++) d[i] *= d[i];
            return Tensor.wrap(d, x[0].shape());
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            double[] d = new double[x[0].size()];
            for (int i = 0; i < d.length; i++) d[i] = i == wrong ? 0 : 2 * x[0].data()[i] * dy.data()[i];
            return new Tensor[] {Tensor.wrap(d, x[0].shape())};
        }
    }

    /** y = x, but forward throws on its n-th call: a loss that fails in the middle of a check. */
    static final class FailsOnCall extends Node {
        final int failOn;
        int calls;

        FailsOnCall(int failOn) {
            super("failsOnCall");
            this.failOn = failOn;
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            if (++calls == failOn) throw new IllegalStateException("deliberate failure on call " + calls);
            return x[0];
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            return new Tensor[] {dy};
        }
    }

    private static Connection weighted(ComputationalGraph cg, Connection out, long seed, int... shape) {
        return cg.reduceSum(cg.multiply(out, cg.constant(Tensor.randomNormal(seed, shape), "R"))).named("loss");
    }

    @Test
    void passesForACorrectGraphAndReportsEachConnection() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.randomNormal(1, 3, 2), "W");
        Connection b = cg.variable(Tensor.randomNormal(2, 3, 1), "b");
        Connection x = cg.input("x");
        Connection loss = weighted(cg, cg.tanh(cg.sum(cg.matrixMultiply(w, x), b)), 3, 3, 4);
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(x, Tensor.randomNormal(4, 2, 4)));
        assertTrue(r.passed(), r::toString);
        assertTrue(r.maxError() < 1e-6, r::toString);
        assertTrue(r.error(w) <= r.maxError() && r.error(b) <= r.maxError());
        assertTrue(r.toString().startsWith("gradient check passed"), r::toString);
        assertThrows(IllegalArgumentException.class, () -> r.error(x));
    }

    @Test
    void detectsAWrongGradientAndNamesTheConnectionAndElement() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.randomUniform(5, 0.5, 2, 3, 3), "W");
        Connection v = cg.variable(Tensor.randomNormal(6, 3, 3), "V");
        Connection out = cg.sum(cg.add(new SquareWrongAt(4), null, w), v);
        Connection loss = weighted(cg, out, 7, 3, 3);
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of());
        assertFalse(r.passed(), r::toString);
        assertSame(w, r.worst().connection());
        assertArrayEquals(new int[] {1, 1}, r.worst().index());
        assertEquals(0, r.worst().analytic());
        assertEquals(1.0, r.worst().relativeError(), 1e-6);
        assertTrue(r.error(v) < 1e-6, r::toString);
        String s = r.toString();
        assertTrue(s.startsWith("gradient check FAILED"), s);
        assertTrue(s.contains("W[1, 1]: backward says 0.0, finite differences say"), s);
        assertTrue(s.contains("<- wrong"), s);
    }

    @Test
    void leavesVariablesAndFedTensorsAsTheyWere() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor w0 = Tensor.randomNormal(8, 2, 3), c0 = Tensor.randomNormal(9, 2, 3), x0 = Tensor.randomNormal(10, 2, 3);
        double[] wBefore = w0.toArray(), cBefore = c0.toArray(), xBefore = x0.toArray();
        Connection w = cg.variable(w0, "W");
        Connection c = cg.constant(c0, "c");
        Connection x = cg.input("x");
        Connection loss = weighted(cg, cg.multiply(cg.multiply(w, c), cg.exp(x)), 11, 2, 3);
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(x, x0), List.of(w, c, x), 1e-6, 1e-5);
        assertTrue(r.passed(), r::toString);
        assertSame(w0, w.value());
        assertSame(c0, c.value());
        assertArrayEquals(wBefore, w0.toArray());
        assertArrayEquals(cBefore, c0.toArray());
        assertArrayEquals(xBefore, x0.toArray());
    }

    @Test
    void leavesVariablesAndFedTensorsAsTheyWereWhenTheLossThrowsMidCheck() {
        for (int failOn : new int[] {2, 3, 6, 9}) {   // the first call is the analytic pass
            ComputationalGraph cg = new ComputationalGraph();
            Tensor w0 = Tensor.randomNormal(12, 2, 2), x0 = Tensor.randomNormal(13, 2, 2);
            double[] wBefore = w0.toArray(), xBefore = x0.toArray();
            Connection w = cg.variable(w0, "W");
            Connection x = cg.input("x");
            Connection loss = cg.reduceSum(cg.add(new FailsOnCall(failOn), null, cg.multiply(w, x)));
            DeepToyException e = assertThrows(DeepToyException.class,
                    () -> GradientCheck.check(cg, loss, Map.of(x, x0), List.of(w, x), 1e-6, 1e-5));
            assertTrue(e.getMessage().contains("deliberate failure"), e.getMessage());
            assertSame(w0, w.value());
            assertArrayEquals(wBefore, w0.toArray(), "failing on call " + failOn);
            assertArrayEquals(xBefore, x0.toArray(), "failing on call " + failOn);
        }
    }

    @Test
    void variablesSharingOneInitialTensorAreProbedSeparately() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor init = Tensor.randomNormal(14, 3);
        Connection a = cg.variable(init, "a");
        Connection b = cg.variable(init, "b");
        Connection loss = cg.sum(weighted(cg, a, 15, 3), cg.reduceSum(cg.square(b)));
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of());
        assertTrue(r.passed(), r::toString);
    }

    @Test
    void rejectsAnOpOutputWithAClearMessage() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.randomNormal(16, 3), "W");
        Connection h = cg.exp(w, "h");
        Connection loss = cg.reduceSum(h);
        DeepToyException e = assertThrows(DeepToyException.class,
                () -> GradientCheck.check(cg, loss, Map.of(), List.of(h), 1e-6, 1e-5));
        assertTrue(e.getMessage().startsWith("gradient check: h is the output of exp(W)"), e.getMessage());
    }

    @Test
    void rejectsAGraphWithoutVariables() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection loss = cg.reduceSum(cg.constant(Tensor.ones(2)));
        DeepToyException e = assertThrows(DeepToyException.class, () -> GradientCheck.check(cg, loss, Map.of()));
        assertTrue(e.getMessage().contains("nothing to check"), e.getMessage());
    }
}
