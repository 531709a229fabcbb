package org.deeptoy.ops;

import org.deeptoy.GradAssert;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(GradAssert.Report.class)
class LossOpsTest {
    private static final Tensor LABELS = Tensor.vector(2, 0, 1, 2, 3);

    private static double value(java.util.function.Function<ComputationalGraph, Connection> build) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection out = build.apply(cg);
        return new SimulationContext().forward(cg).value(out).item();
    }

    /** Checks d(loss)/d(scores) of a loss that is already one number (no random weighting needed). */
    private static void checkLoss(String op, Tensor scores, Tensor labels,
                                  java.util.function.BiFunction<ComputationalGraph, Connection[], Connection> loss) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection s = cg.variable(scores, "s");
        Connection y = cg.constant(labels, "y");
        Connection l = loss.apply(cg, new Connection[] {s, y});
        GradAssert.assertGradients(op, cg, l, Map.of(), List.of(s));
    }

    @Test
    void leakyReluMatchesDefinitionAndGradient() {
        Tensor x = Tensor.vector(-2, -0.5, 0.5, 3);
        ComputationalGraph cg = new ComputationalGraph();
        Connection y = cg.leakyRelu(cg.constant(x), 0.1);
        GradAssert.assertClose(Tensor.vector(-0.2, -0.05, 0.5, 3), new SimulationContext().forward(cg).value(y), 1e-15);
        GradAssert.checkOp("leakyRelu", 3, v -> v[0].graph().leakyRelu(v[0], 0.01), GradAssert.awayFromZero(4, 0.01, 3, 4));
    }

    @Test
    void softmaxCrossEntropyHandComputed() {
        // Two classes with equal logits: -log(1/2) per example.
        double l = value(cg -> cg.softmaxCrossEntropy(cg.constant(Tensor.matrix(new double[] {3, 3}, new double[] {-1, -1})),
                cg.constant(Tensor.vector(0, 1))));
        assertEquals(Math.log(2), l, 1e-15);
        // Logits [0, ln 3]: p = [1/4, 3/4]; label 1 -> -log(3/4).
        double l2 = value(cg -> cg.softmaxCrossEntropy(cg.constant(Tensor.matrix(new double[] {0, Math.log(3)})),
                cg.constant(Tensor.vector(1))));
        assertEquals(-Math.log(0.75), l2, 1e-14);
    }

    @Test
    void softmaxCrossEntropyIsStableForHugeLogits() {
        double l = value(cg -> cg.softmaxCrossEntropy(cg.constant(Tensor.matrix(new double[] {1000, 0}, new double[] {0, 1000})),
                cg.constant(Tensor.vector(1, 1))));
        assertEquals(500, l, 1e-9); // first example: -log softmax = 1000, second: 0
    }

    @Test
    void softmaxCrossEntropyGradients() {
        Tensor s = Tensor.randomNormal(5, 5, 4);
        checkLoss("softmaxCrossEntropy", s, LABELS, (cg, v) -> cg.softmaxCrossEntropy(v[0], v[1]));
        // One-hot rows give the same loss and gradient as indices, and soft targets work too.
        checkLoss("softmaxCrossEntropy", s, oneHot(LABELS, 4), (cg, v) -> cg.softmaxCrossEntropy(v[0], v[1]));
        double a = value(cg -> cg.softmaxCrossEntropy(cg.constant(s), cg.constant(LABELS)));
        double b = value(cg -> cg.softmaxCrossEntropy(cg.constant(s), cg.constant(oneHot(LABELS, 4))));
        assertEquals(a, b, 1e-14);
        // Through a matrixMultiply, as in a real model.
        GradAssert.checkOp("softmaxCrossEntropy", 7, v -> v[0].graph().softmaxCrossEntropy(
                v[0].graph().matrixMultiply(v[0], v[1]), v[0].graph().constant(LABELS)),
                Tensor.randomNormal(8, 5, 3), Tensor.randomNormal(9, 3, 4));
    }

    @Test
    void multiclassHingeHandComputed() {
        // scores [3, 1, 5], correct class 0: max(0, 1-3+1) + max(0, 5-3+1) = 0 + 3.
        double l = value(cg -> cg.multiclassHinge(cg.constant(Tensor.matrix(new double[] {3, 1, 5})), cg.constant(Tensor.vector(0))));
        assertEquals(3, l, 1e-15);
        // The margin is 1: a correct score ahead by exactly 2 costs nothing, ahead by 0.5 costs 0.5.
        double l2 = value(cg -> cg.multiclassHinge(cg.constant(Tensor.matrix(new double[] {2, 0}, new double[] {0, 0.5})),
                cg.constant(Tensor.vector(0, 1))));
        assertEquals((0 + 0.5) / 2, l2, 1e-15);
    }

    @Test
    void multiclassHingeGradients() {
        // Margins kept away from the kink at 0 (where the hinge has no derivative).
        Tensor s = Tensor.matrix(new double[] {0.2, 1.9, -0.7, 3.1}, new double[] {2.5, 0.3, -1.2, 0.9},
                new double[] {-0.4, 0.1, 2.2, 0.6}, new double[] {1.4, -2.0, 0.8, 0.05}, new double[] {0.3, 0.7, -0.9, 1.2});
        checkLoss("multiclassHinge", s, LABELS, (cg, v) -> cg.multiclassHinge(v[0], v[1]));
        checkLoss("multiclassHinge", s, oneHot(LABELS, 4), (cg, v) -> cg.multiclassHinge(v[0], v[1]));
    }

    @Test
    void meanSquaredErrorValueAndGradients() {
        double l = value(cg -> cg.meanSquaredError(cg.constant(Tensor.vector(1, 2, 3)), cg.constant(Tensor.vector(1, 0, 6))));
        assertEquals((0 + 4 + 9) / 3.0, l, 1e-15);
        GradAssert.checkOp("meanSquaredError", 11, v -> v[0].graph().meanSquaredError(v[0], v[1]),
                Tensor.randomNormal(12, 3, 2), Tensor.randomNormal(13, 3, 2));
    }

    @Test
    void l2ValueAndGradients() {
        double l = value(cg -> cg.l2(0.5, cg.constant(Tensor.vector(1, 2)), cg.constant(Tensor.vector(3))));
        assertEquals(0.5 * (1 + 4 + 9), l, 1e-15);
        GradAssert.checkOp("l2", 14, v -> v[0].graph().l2(0.3, v[0], v[1]), Tensor.randomNormal(15, 2, 3), Tensor.randomNormal(16, 4));
    }

    @Test
    void lossesNameTheProblemWithBadLabels() {
        Tensor s = Tensor.randomNormal(1, 2, 3);
        DeepToyException e = assertThrows(DeepToyException.class,
                () -> value(cg -> cg.softmaxCrossEntropy(cg.constant(s, "scores"), cg.constant(Tensor.vector(0, 3), "y"))));
        assertTrue(e.getMessage().contains("softmaxCrossEntropy(scores, y)") && e.getMessage().contains("not a class index 0..2"),
                e.getMessage());
        e = assertThrows(DeepToyException.class,
                () -> value(cg -> cg.multiclassHinge(cg.constant(s, "scores"), cg.constant(Tensor.vector(0, 1, 2), "y"))));
        assertTrue(e.getMessage().contains("labels must be class indices [2] or one-hot rows [2, 3]"), e.getMessage());
        e = assertThrows(DeepToyException.class,
                () -> value(cg -> cg.meanSquaredError(cg.constant(Tensor.vector(1, 2)), cg.constant(Tensor.vector(1, 2, 3)))));
        assertTrue(e.getMessage().contains("must have the same shape"), e.getMessage());
    }

    private static Tensor oneHot(Tensor labels, int k) {
        Tensor t = Tensor.zeros(labels.size(), k);
        for (int i = 0; i < labels.size(); i++) t.data()[i * k + (int) labels.data()[i]] = 1;
        return t;
    }
}
