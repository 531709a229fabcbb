package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/** Notebook 5's exercises (softmax cross-entropy and its gradient). */
public final class IrisMlpChecks {
    private IrisMlpChecks() {}

    /** The loss of one example from its scores and the index of its label. */
    @FunctionalInterface
    public interface Loss {
        double of(double[] scores, int label);
    }

    /** The gradient of one example's loss with respect to its scores. */
    @FunctionalInterface
    public interface LossGradient {
        double[] of(double[] scores, int label);
    }

    /** Exercise: softmax cross-entropy of one example, against {@code cg.softmaxCrossEntropy}, also near 1000. */
    public static boolean crossEntropy(Loss f) {
        Random r = cases();
        for (int t = 0; t < 40; t++) {
            int k = 2 + r.nextInt(5), y = r.nextInt(k);
            boolean large = t >= 30;
            double[] s = new double[k];
            for (int j = 0; j < k; j++) s[j] = (large ? 1000 : 0) + Math.round(r.nextGaussian() * 300) / 100.0;
            ComputationalGraph g = new ComputationalGraph();
            Connection l = g.softmaxCrossEntropy(g.constant(Tensor.of(s, 1, k)), g.constant(Tensor.vector(y)));
            double want = new SimulationContext().forward(g).value(l).item();
            Outcome<Double> o = attempt(() -> f.of(s.clone(), y));
            String on = " (for " + k + " classes, label " + y + (large ? ", scores near 1000)" : ")");
            if (o.failed()) return fail(o.problem() + on);
            double got = o.value();
            if (Compare.close(got, want)) continue;
            if (!Double.isFinite(got)) {
                return fail("it overflows for large scores: exp(1000) is infinite in doubles, and softmax does not change"
                        + " when one number is subtracted from every score" + on);
            }
            if (got == 0) return fail("it returns 0: is the code written yet?" + on);
            if (Compare.close(got, -want)) return fail("the sign is wrong: a cross-entropy is never negative" + on);
            double max = Arrays.stream(s).max().orElse(0), z = 0;
            for (double v : s) z += Math.exp(v - max);
            if (Compare.close(got, Math.exp(s[y] - max) / z) || Compare.close(got, -Math.log(Math.exp(s[y] - max)))) {
                return fail("the loss is minus the log of the label's softmax probability, exp(s_y) / Σ exp(s_j)" + on);
            }
            return fail("the loss is the negative log of the softmax probability of the label" + on);
        }
        return pass("crossEntropy matches cg.softmaxCrossEntropy, also for scores near 1000");
    }

    /** Exercise: the gradient of softmax cross-entropy, against DeepToy's backward pass. */
    public static boolean gradient(LossGradient f) {
        Random r = cases();
        for (int t = 0; t < 30; t++) {
            int k = 2 + r.nextInt(5), y = r.nextInt(k);
            double[] s = new double[k];
            for (int j = 0; j < k; j++) s[j] = Math.round(r.nextGaussian() * 300) / 100.0;
            ComputationalGraph g = new ComputationalGraph();
            Connection v = g.variable(Tensor.of(s, 1, k), "s");
            Connection l = g.softmaxCrossEntropy(v, g.constant(Tensor.vector(y)));
            SimulationContext c = new SimulationContext().forward(g);
            c.backward(g, l);
            double[] want = c.gradient(v).toArray();
            Outcome<double[]> o = attempt(() -> f.of(s.clone(), y));
            String on = " (for " + k + " classes, label " + y + ")";
            if (o.failed()) return fail(o.problem() + on);
            double[] got = o.value();
            if (got == null || got.length != k) {
                return fail("the gradient has one value per class, " + k + " here; yours " + (got == null ? "is null" : "has " + got.length) + on);
            }
            if (matches(got, i -> want[i], k)) continue;
            double sum = Arrays.stream(got).sum();
            String why = Arrays.stream(got).allMatch(x -> x == 0) ? "it returns zeros: is the code written yet?"
                    : matches(got, i -> -want[i], k) ? "the sign is wrong: raising the label's score must lower the loss"
                    : Compare.close(sum, 1) ? "these sum to 1 like the softmax probabilities: the label's own term −1 is missing"
                    : "the components of a softmax gradient sum to 0, yours sum to " + Compare.fmt(sum);
            return fail(why + on);
        }
        return pass("crossEntropyGradient matches DeepToy's backward pass on 30 random examples");
    }
}
