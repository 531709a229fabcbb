package org.deeptoy.graph;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors are the main UI of a teaching tool: each names the op, the connections and the shapes. */
class ErrorMessagesTest {

    private static String forwardError(ComputationalGraph cg, Map<Connection, Tensor> feeds) {
        return assertThrows(DeepToyException.class, () -> new SimulationContext().forward(cg, feeds)).getMessage();
    }

    private static String errorOf(Tensor x, Function<Connection, Connection> op) {
        ComputationalGraph cg = new ComputationalGraph();
        op.apply(cg.constant(x, "x"));
        return forwardError(cg, Map.of());
    }

    private static void assertStartsWith(String prefix, String message) {
        assertTrue(message.startsWith(prefix), () -> "expected a message starting with\n  " + prefix + "\nbut got\n  " + message);
    }

    private static void assertContains(String part, String message) {
        assertTrue(message.contains(part), () -> "expected a message containing\n  " + part + "\nbut got\n  " + message);
    }

    @Test
    void matrixMultiplyShapeMismatchNamesOpConnectionsAndShapes() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w1 = cg.variable(Tensor.zeros(50, 784), "W1");
        Connection x = cg.input("x");
        cg.matrixMultiply(w1, x);
        assertStartsWith("matrixMultiply(W1, x): inner dimensions differ: [50, 784] x [10, 64]",
                forwardError(cg, Map.of(x, Tensor.zeros(10, 64))));
    }

    @Test
    void matrixMultiplyOfAVectorSaysToReshape() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.matrixMultiply(cg.variable(Tensor.zeros(2, 3), "W"), cg.constant(Tensor.zeros(3), "v"));
        String m = forwardError(cg, Map.of());
        assertStartsWith("matrixMultiply(W, v): needs two matrices (2 axes each) but got shapes [2, 3] and [3]", m);
        assertContains("reshape", m);
    }

    @Test
    void broadcastingMismatchNamesBothShapes() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.constant(Tensor.zeros(2, 3), "a"), cg.constant(Tensor.zeros(4), "b"), "s");
        assertStartsWith("sum(a, b): shapes [2, 3] and [4] cannot be broadcast together", forwardError(cg, Map.of()));
    }

    @Test
    void broadcastOpToAnIncompatibleShapeNamesBoth() {
        assertStartsWith("broadcast(x, shape=[2, 4]): shape [3] cannot be broadcast to [2, 4]",
                errorOf(Tensor.zeros(3), x -> x.graph().broadcast(x, 2, 4)));
    }

    @Test
    void missingFeedNamesTheInput() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection images = cg.input("images");
        cg.relu(images);
        String m = forwardError(cg, Map.of());
        assertStartsWith("forward: input images was not fed", m);
        assertContains("Map.of(images, tensor)", m);
    }

    @Test
    void logOfANegativeNumberNamesTheOpAndIndex() {
        String m = errorOf(Tensor.vector(1, -2), x -> x.graph().log(x));
        assertStartsWith("log(x) produced NaN at index [1] of its output [2]", m);
        assertContains("checkFinite(false)", m);
    }

    @Test
    void expOverflowNamesTheOp() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.exp(cg.multiply(cg.constant(Tensor.matrix(new double[] {1, 800}), "x"), cg.constant(2)), "e");
        assertStartsWith("exp(multiply#2) produced +infinity at index [0, 1] of its output [1, 2]", forwardError(cg, Map.of()));
    }

    @Test
    void logOfZeroNamesTheOp() {
        assertStartsWith("log(x) produced -infinity at index [0, 1] of its output [1, 2]",
                errorOf(Tensor.matrix(new double[] {1, 0}), x -> x.graph().log(x)));
    }

    @Test
    void divisionByZeroNamesTheOp() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.div(cg.constant(Tensor.vector(1, 2), "a"), cg.constant(Tensor.vector(4, 0), "b"));
        assertStartsWith("div(a, b) produced +infinity at index [1]", forwardError(cg, Map.of()));
    }

    @Test
    void finiteCheckCanBeSwitchedOff() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.log(cg.constant(Tensor.vector(1, -2), "x"));
        SimulationContext ctx = new SimulationContext().checkFinite(false).forward(cg);
        assertTrue(Double.isNaN(ctx.value(y).get(1)));
    }

    @Test
    void nonFiniteFromAnEarlierOpIsReportedAtThatOp() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.sqrt(cg.constant(Tensor.vector(-1, 4), "x"), "root"), cg.constant(1));
        assertStartsWith("sqrt(x) produced NaN at index [0]", forwardError(cg, Map.of()));
    }

    @Test
    void nanInAFedInputNamesThatInput() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        cg.multiply(x, cg.constant(2));
        String m = forwardError(cg, Map.of(x, Tensor.matrix(new double[] {1, 2}, new double[] {Double.NaN, 4})));
        assertStartsWith("input x contains NaN at [1, 0]", m);
        assertContains("multiply(x, 2)", m);
    }

    @Test
    void infinityInAVariableOrConstantNamesIt() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.variable(Tensor.vector(1, Double.NEGATIVE_INFINITY), "b"), cg.constant(1));
        assertStartsWith("variable b contains -infinity at [1]", forwardError(cg, Map.of()));
        ComputationalGraph cg2 = new ComputationalGraph();
        cg2.exp(cg2.constant(Tensor.vector(Double.POSITIVE_INFINITY), "big"));
        assertStartsWith("constant big contains +infinity at [0]", forwardError(cg2, Map.of()));
    }

    @Test
    void nonFiniteInputThatStaysHarmlessIsAllowed() {
        // max(-inf, 0) = 0: the output is finite, so nothing is reported.
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.max(cg.constant(Tensor.vector(Double.NEGATIVE_INFINITY, 1), "x"), 0.0);
        assertEquals(0, new SimulationContext().forward(cg).value(y).get(0));
    }

    @Test
    void lossThatIsNotAScalarIsRejected() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection loss = cg.square(cg.variable(Tensor.zeros(3, 2), "W"), "errors");
        SimulationContext ctx = new SimulationContext().forward(cg);
        String m = assertThrows(DeepToyException.class, () -> ctx.backward(cg, loss)).getMessage();
        assertStartsWith("backward: the loss errors has shape [3, 2]; backward needs one number", m);
        assertContains("cg.reduceSum(errors)", m);
    }

    @Test
    void backwardBeforeForwardSaysToRunForward() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection loss = cg.reduceSum(cg.variable(Tensor.zeros(3), "W")).named("loss");
        String m = assertThrows(DeepToyException.class, () -> new SimulationContext().backward(cg, loss)).getMessage();
        assertStartsWith("backward: loss has no value; run ctx.forward(cg) before backward", m);
    }

    @Test
    void badTransposePermutationsAreRejected() {
        assertStartsWith("transpose(x, axes=[0, 0, 1]): axes [0, 0, 1] is not a permutation of 0..2",
                errorOf(Tensor.zeros(2, 3, 4), x -> x.graph().transpose(x, 0, 0, 1)));
        assertStartsWith("transpose(x, axes=[1, 0]): axes [1, 0] name 2 axes but the input has 3",
                errorOf(Tensor.zeros(2, 3, 4), x -> x.graph().transpose(x, 1, 0)));
        assertStartsWith("transpose(x, axes=[0, 3, 1]): axes [0, 3, 1] is not a permutation of 0..2",
                errorOf(Tensor.zeros(2, 3, 4), x -> x.graph().transpose(x, 0, 3, 1)));
    }

    @Test
    void badReshapesAreRejected() {
        assertStartsWith("reshape(x, shape=[4]): ", errorOf(Tensor.zeros(2, 3), x -> x.graph().reshape(x, 4)));
        assertContains("6 values cannot become 4", errorOf(Tensor.zeros(2, 3), x -> x.graph().reshape(x, 4)));
        assertContains("only one size may be -1", errorOf(Tensor.zeros(2, 3), x -> x.graph().reshape(x, -1, -1)));
        assertContains("do not divide", errorOf(Tensor.zeros(2, 3), x -> x.graph().reshape(x, 4, -1)));
        assertContains("sizes must be positive", errorOf(Tensor.zeros(2, 3), x -> x.graph().reshape(x, -2, -3)));
    }

    @ParameterizedTest(name = "axis {0}")
    @ValueSource(ints = {2, -3, 7})
    void badAxesAreRejectedByEveryAxisOp(int axis) {
        Tensor m = Tensor.zeros(2, 3);
        assertStartsWith("reduceSum(x, axis=" + axis + "): axis " + axis + " does not exist for shape [2, 3]",
                errorOf(m, x -> x.graph().reduceSum(x, axis)));
        assertStartsWith("mean(x, axis=" + axis + "): axis " + axis + " does not exist for shape [2, 3]",
                errorOf(m, x -> x.graph().mean(x, axis)));
        assertStartsWith("softmax(x, axis=" + axis + "): axis " + axis + " does not exist for shape [2, 3]",
                errorOf(m, x -> x.graph().softmax(x, axis)));
        assertStartsWith("logSoftmax(x, axis=" + axis + "): axis " + axis + " does not exist for shape [2, 3]",
                errorOf(m, x -> x.graph().logSoftmax(x, axis)));
    }

    @Test
    void softmaxOfAScalarHasNoAxis() {
        assertStartsWith("softmax(x, axis=-1): axis -1 does not exist for shape []",
                errorOf(Tensor.scalar(1), x -> x.graph().softmax(x)));
    }

    @Test
    void feedingAVariableIsRejectedWithAHint() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.zeros(2), "W");
        cg.square(w);
        String m = forwardError(cg, Map.of(w, Tensor.ones(2)));
        assertStartsWith("forward: cannot feed W, it is a variable", m);
        assertContains("W.set(tensor)", m);
    }

    @Test
    void connectionsOfAnotherGraphAreRejected() {
        ComputationalGraph a = new ComputationalGraph(), b = new ComputationalGraph();
        Connection x = a.constant(1, "x");
        String m = assertThrows(DeepToyException.class, () -> b.exp(x)).getMessage();
        assertContains("x belongs to another ComputationalGraph", m);
    }

    @Test
    void setWithAnotherShapeNamesBothShapes() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.zeros(2, 3), "W");
        String m = assertThrows(DeepToyException.class, () -> w.set(Tensor.zeros(3, 2))).getMessage();
        assertEquals("set(W): new value has shape [3, 2] but W has shape [2, 3]", m);
        assertThrows(DeepToyException.class, () -> w.set(null));
    }

    @Test
    void gradientBeforeBackwardSaysWhatToRun() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.zeros(2), "W");
        cg.square(w);
        SimulationContext ctx = new SimulationContext().forward(cg);
        assertStartsWith("W has no gradient in this context: run ctx.backward(cg, loss)",
                assertThrows(DeepToyException.class, () -> ctx.gradient(w)).getMessage());
    }

    /** A student's own op (cg.add) whose forward or backward returns something wrong. */
    static final class Faulty extends Node {
        final Tensor out;
        final Tensor[] grads;

        Faulty(Tensor out, Tensor[] grads) {
            super("myOp");
            this.out = out;
            this.grads = grads;
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            return out;
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            return grads;
        }
    }

    private static String backwardError(Tensor out, Tensor[] grads) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(Tensor.zeros(2, 3), "a");
        Connection b = cg.variable(Tensor.zeros(3), "b");
        Connection loss = cg.reduceSum(cg.add(new Faulty(out, grads), null, a, b));
        SimulationContext ctx = new SimulationContext().forward(cg);
        return assertThrows(DeepToyException.class, () -> ctx.backward(cg, loss)).getMessage();
    }

    @Test
    void customOpReturningNullFromForwardIsNamed() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.add(new Faulty(null, null), null, cg.constant(1, "x"));
        assertStartsWith("myOp(x): forward returned null", forwardError(cg, Map.of()));
    }

    @Test
    void customOpReturningAGradientOfTheWrongShapeIsNamed() {
        assertStartsWith("myOp(a, b) (backward): returned a gradient of shape [2] for b of shape [3]",
                backwardError(Tensor.zeros(2, 3), new Tensor[] {Tensor.zeros(2, 3), Tensor.zeros(2)}));
    }

    @Test
    void customOpReturningTooFewGradientsIsNamed() {
        assertStartsWith("myOp(a, b) (backward): returned 1 gradients for 2 inputs",
                backwardError(Tensor.zeros(2, 3), new Tensor[] {Tensor.zeros(2, 3)}));
        assertStartsWith("myOp(a, b) (backward): returned null",
                backwardError(Tensor.zeros(2, 3), null));
    }

    @Test
    void customOpGradientInTheOutputShapeIsSummedBack() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection a = cg.variable(Tensor.zeros(2, 3), "a");
        Connection b = cg.variable(Tensor.zeros(3), "b");
        Connection loss = cg.reduceSum(cg.add(new Faulty(Tensor.zeros(2, 3), new Tensor[] {null, Tensor.ones(2, 3)}), null, a, b));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertEquals(Tensor.full(2, 3), ctx.gradient(b));
        assertEquals(Tensor.zeros(2, 3), ctx.gradient(a));
    }
}
