package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.optim.Optimizer;
import org.deeptoy.optim.Sgd;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Random;

/** Notebook 4b's exercise (a momentum step). */
public final class OptimizerChecks {
    private OptimizerChecks() {}

    /** Updates the velocity v in place and returns the new weights. */
    @FunctionalInterface
    public interface MomentumStep {
        double[] next(double[] w, double[] v, double[] g, double eta, double mu);
    }

    /** Exercise: five momentum steps against DeepToy's {@code Sgd(eta).momentum(mu)} on a random quadratic. */
    public static boolean momentumStep(MomentumStep f) {
        Random r = cases();
        int n = 3 + r.nextInt(3);
        double eta = 0.05 + r.nextInt(4) * 0.025, mu = 0.8 + r.nextInt(3) * 0.05;
        double[] start = new double[n], curvature = new double[n];
        for (int i = 0; i < n; i++) {
            start[i] = Math.round(r.nextGaussian() * 300) / 100.0;
            curvature[i] = 0.5 + r.nextInt(8) * 0.5;
        }
        ComputationalGraph g = new ComputationalGraph();
        Connection wv = g.variable(Tensor.vector(start), "w");
        Connection l = g.multiply(g.constant(0.5), g.reduceSum(g.multiply(g.constant(Tensor.vector(curvature)), g.square(wv))));
        Optimizer sgd = new Sgd(eta).momentum(mu);
        SimulationContext c = new SimulationContext();
        double[] mine = start.clone(), velocity = new double[n];
        String on = " (η = " + Compare.fmt(eta) + ", μ = " + Compare.fmt(mu) + ", " + n + " weights)";
        for (int step = 1; step <= 5; step++) {
            c.forward(g).backward(g, l);
            double[] grad = c.gradient(wv).toArray();
            double[] before = mine.clone(), vBefore = velocity.clone();
            sgd.step(g.variables(), c);
            double[] w = mine;
            Outcome<double[]> o = attempt(() -> f.next(w, velocity, grad.clone(), eta, mu));
            if (o.failed()) return fail(o.problem() + on);
            double[] next = o.value();
            if (next == null || next.length != n) {
                return fail("return the new weights, one per weight (" + (next == null ? "got null" : "got " + next.length + " values") + ")" + on);
            }
            if (next == w && step == 1) return fail("you returned w itself; return a new array and leave w as it was" + on);
            if (!Arrays.equals(w, before)) return fail("your step changed w in place; return the new weights in a new array" + on);
            double[] want = wv.value().toArray();
            if (!matches(next, i -> want[i], n)) {
                String why = matches(next, i -> before[i], n) ? "the weights did not move"
                        : Arrays.stream(velocity).allMatch(x -> x == 0) ? "the velocity v stays 0: update it in place (v[i] = ...)"
                        : matches(velocity, i -> vBefore[i] + grad[i], n) ? "the velocity forgets no part of its past: v ← μ·v + g scales the old v by μ"
                        : matches(next, i -> before[i] - eta * grad[i], n) ? "that is a plain SGD step: move by the velocity, not the gradient"
                        : matches(next, i -> before[i] + eta * velocity[i], n) ? "the sign is wrong: the weights move against the velocity"
                        : "compare with v ← μ·v + g, then w − η·v";
                return fail("step " + step + " differs from DeepToy's momentum: " + why + on);
            }
            mine = next;
        }
        return pass("momentumStep matches Sgd(η).momentum(μ) for five steps");
    }
}
