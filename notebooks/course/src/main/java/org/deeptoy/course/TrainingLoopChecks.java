package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/** Notebook 3b's exercise (one step of gradient descent by hand). */
public final class TrainingLoopChecks {
    private TrainingLoopChecks() {}

    /** Updates the variable {@code v} in place: {@code v ← v − learningRate · gradient}. */
    @FunctionalInterface
    public interface SgdStep {
        void step(Connection v, Tensor gradient, double learningRate);
    }

    /** Exercise: one SGD step on a variable, checked on random variables, gradients and rates. */
    public static boolean sgdStep(SgdStep f) {
        Random r = cases();
        for (int k = 0; k < 3; k++) {
            int rows = 1 + r.nextInt(3), cols = 2 + r.nextInt(3);
            double lr = 0.05 + r.nextInt(10) * 0.05;
            Tensor start = normal(r, rows, cols), grad = normal(r, rows, cols);
            Connection v = new ComputationalGraph().variable(start, "v");
            Tensor g0 = Tensor.of(grad.toArray(), grad.shape());
            Outcome<Object> o = attempt(() -> {
                f.step(v, grad, lr);
                return null;
            });
            if (o.failed()) return fail(o.problem());
            String on = " (v of shape [" + rows + ", " + cols + "], learning rate " + Compare.fmt(lr) + ")";
            if (!grad.equals(g0)) return fail("your step changed the gradient; change only v" + on);
            Tensor got = v.value();
            if (!Arrays.equals(got.shape(), start.shape())) {
                return fail("v's shape changed to " + Compare.shape(got) + "; the step keeps its shape" + on);
            }
            double[] w = start.toArray(), g = grad.toArray(), now = got.toArray();
            if (matches(now, i -> w[i] - lr * g[i], now.length)) continue;
            if (matches(now, i -> w[i], now.length)) return fail("v did not change: set it with v.set(...)" + on);
            if (matches(now, i -> w[i] + lr * g[i], now.length)) {
                return fail("the sign is wrong: your step moves v up the gradient, so the loss grows" + on);
            }
            if (matches(now, i -> w[i] - g[i], now.length)) return fail("the step ignores the learning rate" + on);
            if (matches(now, i -> -lr * g[i], now.length)) {
                return fail("v holds only the change −learningRate · gradient; add it to v's current value" + on);
            }
            return fail("v is not v − learningRate · gradient, element by element" + on);
        }
        return pass("sgdStep moves each value of v against its gradient, scaled by the learning rate");
    }
}
