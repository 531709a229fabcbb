package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/** Notebook 6's exercises (accuracy and ReLU's backward). */
public final class MnistMlpChecks {
    private MnistMlpChecks() {}

    /** The fraction of rows of scores [n, classes] whose highest score is at the label. */
    @FunctionalInterface
    public interface Accuracy {
        double of(Tensor scores, int[] labels);
    }

    /** dx of relu from its input x and dy. */
    @FunctionalInterface
    public interface ReluBackward {
        double[] dx(double[] x, double[] dy);
    }

    /** Exercise: accuracy from scores and labels, against the argmax of random scores. */
    public static boolean accuracy(Accuracy f) {
        Random r = cases();
        for (int t = 0; t < 3; t++) {
            int n = 20 + r.nextInt(40), k = 3 + r.nextInt(8);
            Tensor scores = normal(r, n, k);
            int[] labels = new int[n], predicted = scores.argmaxRows();
            int right = 0;
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextDouble() < 0.6 ? predicted[i] : r.nextInt(k);
                if (labels[i] == predicted[i]) right++;
            }
            double want = (double) right / n;
            Outcome<Double> o = attempt(() -> f.of(Tensor.of(scores.toArray(), n, k), labels.clone()));
            String on = " (for " + n + " rows of " + k + " scores)";
            if (o.failed()) return fail(o.problem() + on);
            double got = o.value();
            if (Compare.close(got, want)) continue;
            if (got == 0) return fail("it returns 0: is the code written yet?" + on);
            if (Compare.close(got, right)) return fail("that is the number of right answers, not a fraction between 0 and 1" + on);
            if (Compare.close(got, 1 - want)) return fail("that is the error rate (wrong answers), not the accuracy" + on);
            return fail("which class does the model predict for a row of scores? (the index of its highest score)" + on);
        }
        return pass("myAccuracy gives the fraction of rows whose highest score is the label, on 3 random batches");
    }

    /** Exercise: relu's backward, against DeepToy's relu op on random inputs. */
    public static boolean reluBackward(ReluBackward f) {
        Random r = cases();
        Tensor xs = normal(r, 5, 7), cs = normal(r, 5, 7);
        ComputationalGraph g = new ComputationalGraph();
        Connection x = g.variable(xs, "x");
        Connection l = g.reduceSum(g.multiply(g.relu(x), g.constant(cs)));
        SimulationContext c = new SimulationContext().forward(g);
        c.backward(g, l);
        double[] want = c.gradient(x).toArray(), xv = xs.toArray(), dy = cs.toArray();
        Outcome<double[]> o = attempt(() -> f.dx(xv.clone(), dy.clone()));
        if (o.failed()) return fail(o.problem());
        double[] got = o.value();
        if (got == null || got.length != want.length) {
            return fail("dx has one value per input, " + want.length + " here; yours " + (got == null ? "is null" : "has " + got.length));
        }
        if (matches(got, i -> want[i], got.length)) return pass("reluBackward matches DeepToy's relu backward");
        if (matches(got, i -> dy[i], got.length)) return fail("dx is dy everywhere: where x ≤ 0, relu's output does not change when x changes a little");
        if (matches(got, i -> xv[i] > 0 ? 1 : 0, got.length)) return fail("that is relu's local derivative only; the chain rule multiplies it by dy");
        if (matches(got, i -> xv[i] < 0 ? dy[i] : 0, got.length)) return fail("dy passes where x < 0 and stops where x > 0: the other way round");
        int bad = 0;
        while (Compare.close(got[bad], want[bad])) bad++;
        return fail(xv[bad] > 0 ? "at an input x > 0 your dx is not dy: where x > 0, relu is the identity"
                : "at an input x ≤ 0 your dx is not 0: does relu's output change there when x changes a little?");
    }
}
