package org.deeptoy.graph;

import org.deeptoy.GradAssert;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.deeptoy.GradAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GradAssert.Report.class)
class EngineTest {

    /** y = x, counting its forward calls: shows what forward computes. */
    static final class Counting extends Node {
        int calls;

        Counting() {
            super("counting");
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            calls++;
            return x[0];
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            return new Tensor[] {dy};
        }
    }

    @Test
    void onePlusTwoIsThree() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection sum = cg.sum(cg.constant(1), cg.constant(2));
        SimulationContext ctx = new SimulationContext();
        ctx.forward(cg);
        assertEquals(3.0, ctx.get(sum).value().item());
    }

    @Test
    void inputUsedByTwoOpsGetsTheSumOfBothGradients() {
        ComputationalGraph cg = new ComputationalGraph();
        Tensor x0 = Tensor.randomNormal(1, 3, 4), a = Tensor.randomNormal(2, 3, 4);
        Connection x = cg.variable(x0, "x");
        Connection loss = cg.sum(cg.reduceSum(cg.multiply(x, cg.constant(a, "a"))), cg.reduceSum(cg.exp(x)));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        // d/dx [Σ a x + Σ e^x] = a + e^x
        double[] expected = new double[12];
        for (int i = 0; i < 12; i++) expected[i] = a.data()[i] + Math.exp(x0.data()[i]);
        assertClose(Tensor.of(expected, 3, 4), ctx.gradient(x), 1e-12);
    }

    @Test
    void inputUsedTwiceByOneOpGetsBothGradients() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, -2, 3), "x");
        Connection loss = cg.reduceSum(cg.multiply(x, x));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.vector(2, -4, 6), ctx.gradient(x), 0);
    }

    @Test
    void intermediateUsedTwiceAccumulatesBeforeFlowingOn() {
        // h = 3x used by two branches: dL/dx = 3 (dL/dh from both) = 3 (2h + 1) for L = Σ h² + Σ h.
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, 2), "x");
        Connection h = cg.multiply(x, cg.constant(3));
        Connection loss = cg.sum(cg.reduceSum(cg.square(h)), cg.reduceSum(h));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.vector(3 * (2 * 3 + 1), 3 * (2 * 6 + 1)), ctx.gradient(x), 1e-12);
    }

    @Test
    void unconsumedDebugOutputDoesNotChangeTheGradients() {
        Tensor w0 = Tensor.randomNormal(3, 4, 3), x0 = Tensor.randomNormal(4, 3, 5);
        List<Tensor> grads = new ArrayList<>();
        for (boolean debug : new boolean[] {false, true}) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection w = cg.variable(w0, "W");
            Connection h = cg.tanh(cg.matrixMultiply(w, cg.constant(x0, "x")), "h");
            if (debug) cg.exp(h, "debug");
            Connection loss = cg.reduceSum(cg.square(h));
            SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
            grads.add(ctx.gradient(w));
            if (debug) assertClose(Tensor.zeros(4, 5), ctx.gradient(cg.find("debug")), 0);
        }
        assertClose(grads.get(0), grads.get(1), 0);
    }

    @Test
    void backwardSeedsOnlyTheLoss() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, 2, 3), "x");
        Connection l1 = cg.reduceSum(cg.multiply(x, cg.constant(Tensor.vector(1, 10, 100))), 0, "l1");
        Connection l2 = cg.reduceSum(cg.multiply(x, cg.constant(Tensor.vector(7, 7, 7))), 0, "l2");
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, l1);
        assertClose(Tensor.vector(1, 10, 100), ctx.gradient(x), 0);
        assertClose(Tensor.scalar(1), ctx.gradient(l1), 0);
        assertClose(Tensor.scalar(0), ctx.gradient(l2), 0);
    }

    @Test
    void variableTheLossDoesNotReachHasAZeroGradientOfItsShape() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, 2), "x");
        Connection unused = cg.variable(Tensor.ones(2, 3), "unused");
        cg.exp(unused);
        Connection loss = cg.reduceSum(cg.square(x));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
        assertClose(Tensor.zeros(2, 3), ctx.gradient(unused), 0);
    }

    @Test
    void secondBackwardReplacesTheGradientsInsteadOfAddingToThem() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, 2), "x");
        Connection loss = cg.reduceSum(cg.square(x));
        SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss).backward(cg, loss);
        assertClose(Tensor.vector(2, 4), ctx.gradient(x), 0);
    }

    @Test
    void forwardWithNamedOutputsComputesOnlyWhatTheyNeed() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Counting counting = new Counting();
        Connection needsX = cg.add(counting, "needsX", cg.exp(x));
        Connection c = cg.constant(Tensor.vector(1, 2), "c");
        Connection alone = cg.square(c, "alone");
        SimulationContext ctx = new SimulationContext().forward(cg, alone);   // x is not fed and not needed
        assertClose(Tensor.vector(1, 4), ctx.value(alone), 0);
        assertEquals(0, counting.calls);
        assertFalse(ctx.get(needsX).hasValue());
        DeepToyException e = assertThrows(DeepToyException.class, () -> ctx.value(needsX));
        assertTrue(e.getMessage().contains("needsX has no value"), e.getMessage());
    }

    @Test
    void forwardWithoutNamedOutputsComputesEverything() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Counting counting = new Counting();
        Connection y = cg.add(counting, "y", x);
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.vector(5)));
        assertEquals(1, counting.calls);
        assertClose(Tensor.vector(5), ctx.value(y), 0);
    }

    @Test
    void feedingAConstantOverridesItsValueForThatPassOnly() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection c = cg.constant(Tensor.vector(1, 2), "c");
        Connection y = cg.square(c);
        assertClose(Tensor.vector(9, 16), new SimulationContext().forward(cg, Map.of(c, Tensor.vector(3, 4))).value(y), 0);
        assertClose(Tensor.vector(1, 4), new SimulationContext().forward(cg).value(y), 0);
    }

    @Test
    void gradientWithRespectToAFedInputMatchesNumericGradient() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection w = cg.variable(Tensor.randomNormal(1, 3, 4), "W");
        Connection out = cg.sigmoid(cg.matrixMultiply(w, x));
        Map<Connection, Tensor> feeds = Map.of(x, Tensor.randomNormal(2, 4, 2));
        Connection loss = GradAssert.weightedLoss(cg, out, feeds, 3);
        GradAssert.assertGradients("sigmoid(W·x) wrt input", cg, loss, feeds, List.of(x, w));
    }

    // ---- a two-layer network -----------------------------------------------------------------

    /** A tiny MLP on a fixed toy regression problem: y = sin(x0) + x1² on 64 points. */
    private static final class TwoLayerNet {
        final ComputationalGraph cg = new ComputationalGraph();
        final Connection x = cg.input("x");
        final Connection target = cg.input("y");
        final Connection w1 = cg.variable(Tensor.randomNormal(new java.util.Random(1), 0, 0.5, 16, 2), "W1");
        final Connection b1 = cg.variable(Tensor.zeros(16, 1), "b1");        // [n, 1] bias
        final Connection w2 = cg.variable(Tensor.randomNormal(new java.util.Random(2), 0, 0.5, 1, 16), "W2");
        final Connection b2 = cg.variable(Tensor.zeros(1), "b2");            // [n] bias
        final Connection loss;
        final Map<Connection, Tensor> feeds;

        TwoLayerNet(boolean relu) {
            Connection z1 = cg.sum(cg.matrixMultiply(w1, x, "z1"), b1);
            Connection h = relu ? cg.relu(z1, "h") : cg.tanh(z1, "h");
            Connection out = cg.sum(cg.matrixMultiply(w2, h), b2, "out");
            loss = cg.mean(cg.square(cg.subtract(out, target))).named("loss");
            Tensor xs = Tensor.randomUniform(3, -1.5, 1.5, 2, 64);
            double[] ys = new double[64];
            for (int i = 0; i < 64; i++) ys[i] = Math.sin(xs.get(0, i)) + xs.get(1, i) * xs.get(1, i);
            feeds = Map.of(x, xs, target, Tensor.of(ys, 1, 64));
        }

        double step(SimulationContext ctx, double learningRate) {
            ctx.forward(cg, feeds).backward(cg, loss);
            double l = ctx.value(loss).item();
            for (Connection v : cg.variables()) {
                double[] w = v.value().toArray(), g = ctx.gradient(v).data();
                for (int i = 0; i < w.length; i++) w[i] -= learningRate * g[i];
                v.set(Tensor.wrap(w, v.value().shape()));
            }
            return l;
        }
    }

    @Test
    void twoLayerNetworkLossDecreasesUnderGradientDescent() {
        for (boolean relu : new boolean[] {false, true}) {
            TwoLayerNet net = new TwoLayerNet(relu);
            SimulationContext ctx = new SimulationContext();
            double first = net.step(ctx, 0.05), previous = first, last = first;
            for (int i = 1; i < 300; i++) {
                last = net.step(ctx, 0.05);
                if (i % 25 == 0) {
                    assertTrue(last < previous, (relu ? "relu" : "tanh") + " step " + i + ": loss " + last + " >= " + previous);
                    previous = last;
                }
            }
            double firstLoss = first, lastLoss = last;
            assertTrue(lastLoss < 0.25 * firstLoss, (relu ? "relu" : "tanh") + ": loss went from " + firstLoss + " to " + lastLoss);
        }
    }

    @Test
    void twoLayerNetworkGradientsMatchNumericGradient() {
        TwoLayerNet net = new TwoLayerNet(false);
        GradAssert.assertGradients("two-layer network", net.cg, net.loss, net.feeds, net.cg.variables());
    }

    @Test
    void variableGradientsOnlyGivesTheSameVariableGradients() {
        TwoLayerNet net = new TwoLayerNet(true);
        SimulationContext all = new SimulationContext().forward(net.cg, net.feeds).backward(net.cg, net.loss);
        SimulationContext only = new SimulationContext().variableGradientsOnly(true)
                .forward(net.cg, net.feeds).backward(net.cg, net.loss);
        for (Connection v : net.cg.variables()) assertClose(all.gradient(v), only.gradient(v), 0);
        assertTrue(all.get(net.x).hasGradient());
        assertClose(Tensor.zeros(2, 64), only.gradient(net.x), 0);
    }

    /** A sweep written with inputGradients (the notebooks' exercise) gives backward's gradients, fan-out and broadcasting included. */
    @Test
    void aSweepOfInputGradientsIsBackward() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection b = cg.variable(Tensor.vector(0.5, -1, 2), "b");
        Connection h = cg.tanh(cg.sum(x, b), "h");                 // b broadcast over the rows of x
        Connection both = cg.multiply(h, cg.sigmoid(h), "both");    // h used twice
        Connection loss = cg.mean(cg.sum(both, cg.multiply(b, b))); // b used three times
        cg.exp(x, "unused");                                        // the loss does not depend on it
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.randomNormal(3, 4, 3)));

        Map<Connection, Tensor> grad = new java.util.HashMap<>();
        grad.put(loss, Tensor.ones());
        List<Node> nodes = cg.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            Tensor dy = grad.get(node.output());
            if (dy == null) continue;
            Tensor[] dx = ctx.inputGradients(node, dy);
            for (int k = 0; k < dx.length; k++) grad.merge(node.inputs().get(k), dx[k], Tensor::plus);
        }
        ctx.backward(cg, loss);
        for (Connection c : List.of(x, b, h, both, loss)) assertClose(ctx.gradient(c), grad.get(c), 1e-12);
        assertEquals(List.of(3), List.of(grad.get(b).shape()[0]), "b's gradient is summed back to b's shape");
    }

    @Test
    void inputGradientsExplainsAMissingGradientAndAWrongShape() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.variable(Tensor.vector(1, 2), "x");
        Connection y = cg.square(x, "y");
        Node square = y.producer();
        SimulationContext ctx = new SimulationContext();
        assertTrue(assertThrows(DeepToyException.class, () -> ctx.inputGradients(square, Tensor.ones(2)))
                .getMessage().contains("run ctx.forward"));
        ctx.forward(cg);
        String nullDy = assertThrows(DeepToyException.class, () -> ctx.inputGradients(square, null)).getMessage();
        assertTrue(nullDy.contains("gradient of y, is null") && nullDy.contains("reverse topological order"), nullDy);
        String shape = assertThrows(DeepToyException.class, () -> ctx.inputGradients(square, Tensor.ones(3))).getMessage();
        assertTrue(shape.contains("dy has shape [3] but y has shape [2]"), shape);
        assertClose(Tensor.vector(2, 4), ctx.inputGradients(square, Tensor.ones(2))[0], 0);
    }

    @Test
    void inputGradientsGivesZerosWhereNoGradientFlows() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection scores = cg.variable(Tensor.matrix(new double[] {1, 2}, new double[] {0, 1}), "scores");
        Connection labels = cg.input("labels");
        Connection loss = cg.softmaxCrossEntropy(scores, labels);
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(labels, Tensor.vector(0, 1)));
        Tensor[] dx = ctx.inputGradients(loss.producer(), Tensor.ones());
        assertClose(ctx.backward(cg, loss).gradient(scores), dx[0], 1e-15);
        assertClose(Tensor.zeros(2), dx[1], 0);
    }

    @Test
    void plusAddsTensorsOfOneShapeIntoANewOne() {
        Tensor a = Tensor.vector(1, 2), b = Tensor.vector(10, 20);
        assertClose(Tensor.vector(11, 22), a.plus(b), 0);
        assertClose(Tensor.vector(1, 2), a, 0);
        String shapes = assertThrows(IllegalArgumentException.class, () -> a.plus(Tensor.ones(3))).getMessage();
        assertTrue(shapes.contains("shapes [2] and [3] differ"), shapes);
    }
}
