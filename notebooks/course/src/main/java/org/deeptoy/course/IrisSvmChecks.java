package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.optim.Sgd;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Notebook 4's exercises (the multiclass hinge loss and an SGD step). */
public final class IrisSvmChecks {
    private IrisSvmChecks() {}

    /** The hinge loss of one example: its scores and the index of its label. */
    @FunctionalInterface
    public interface Hinge {
        double of(double[] scores, int label);
    }

    /** New weights from weights, gradient and learning rate (a new array). */
    @FunctionalInterface
    public interface Step {
        double[] next(double[] w, double[] grad, double lr);
    }

    /** Exercise: the multiclass hinge loss of one example, against {@code cg.multiclassHinge} on random scores. */
    public static boolean hinge(Hinge f) {
        Random r = cases();
        for (int t = 0; t < 50; t++) {
            int k = 2 + r.nextInt(5), y = r.nextInt(k);
            double[] s = new double[k];
            for (int j = 0; j < k; j++) s[j] = Math.round(r.nextGaussian() * 200) / 100.0;
            ComputationalGraph g = new ComputationalGraph();
            Connection l = g.multiclassHinge(g.constant(Tensor.of(s, 1, k)), g.constant(Tensor.vector(y)));
            double want = new SimulationContext().forward(g).value(l).item();
            Outcome<Double> o = attempt(() -> f.of(s.clone(), y));
            if (o.failed()) return fail(o.problem() + " (for " + k + " scores, label " + y + ")");
            double got = o.value();
            if (Compare.close(got, want)) continue;
            String on = " (e.g. for " + k + " scores " + Arrays.toString(s) + " and label " + y + ")";
            if (got == 0) return fail("it returns 0 where the loss is not: is the code written yet?" + on);
            if (Compare.close(got, want + 1)) {
                return fail("it is 1 too high: one term is counted that should not be (which j always adds exactly 1?)" + on);
            }
            if (Compare.close(got, -want)) return fail("the sign is wrong: a hinge loss is never negative" + on);
            if (Compare.close(got, hingeWithMargin(s, y, 0))) return fail("that is the hinge with margin 0; the margin is 1" + on);
            return fail("each wrong class j costs how far its score comes within the margin 1 of the label's score" + on);
        }
        return pass("myHinge matches cg.multiclassHinge on 50 random examples");
    }

    private static double hingeWithMargin(double[] s, int y, double margin) {
        double loss = 0;
        for (int j = 0; j < s.length; j++) if (j != y) loss += Math.max(0, s[j] - s[y] + margin);
        return loss;
    }

    /** Exercise: one SGD step, against DeepToy's {@code Sgd} on the gradient of a hinge loss with random data. */
    public static boolean sgd(Step f) {
        Random r = cases();
        double lr = 0.05 + r.nextInt(5) * 0.05;
        ComputationalGraph g = new ComputationalGraph();
        Connection w = g.variable(normal(r, 4, 3), "W");
        double[] labels = new double[6];
        for (int i = 0; i < labels.length; i++) labels[i] = r.nextInt(3);
        Connection l = g.multiclassHinge(g.matrixMultiply(g.constant(normal(r, 6, 4)), w), g.constant(Tensor.vector(labels)));
        SimulationContext c = new SimulationContext().forward(g);
        c.backward(g, l);
        double[] before = w.value().toArray(), grad = c.gradient(w).toArray();
        double[] wArg = before.clone();
        Outcome<double[]> o = attempt(() -> f.next(wArg, grad.clone(), lr));
        if (o.failed()) return fail(o.problem());
        new Sgd(lr).step(List.of(w), c);
        double[] want = w.value().toArray(), got = o.value();
        if (got == null || got.length != want.length) {
            return fail("sgdStep returns one new weight per weight, " + want.length + " here; yours "
                    + (got == null ? "returned null" : "has " + got.length));
        }
        if (!Arrays.equals(wArg, before)) return fail("your step changed w in place; return a new array and leave w as it was");
        if (matches(got, i -> want[i], got.length)) return pass("sgdStep matches new Sgd(lr).step");
        if (matches(got, i -> before[i], got.length)) return fail("the weights did not change: your step returns w as it was");
        if (matches(got, i -> before[i] + lr * grad[i], got.length)) {
            return fail("the sign is wrong: that step goes up the gradient, so the loss would grow");
        }
        if (matches(got, i -> before[i] - grad[i], got.length)) return fail("the step ignores the learning rate lr");
        if (matches(got, i -> -lr * grad[i], got.length)) return fail("you returned the change only; return the new weights w − lr · grad");
        return fail("the new weights are not w − lr · grad, weight by weight");
    }
}
