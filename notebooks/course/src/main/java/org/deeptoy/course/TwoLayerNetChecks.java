package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.course.Compare.Diff;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/** Notebook 7d's exercises (a two-layer net from the student's own layers and SGD loop). */
public final class TwoLayerNetChecks {
    private TwoLayerNetChecks() {}

    /** The student's SGD step: the new weights from the weights, their gradient, the learning rate and the L2 strength. */
    @FunctionalInterface
    public interface SgdStep {
        double[] step(double[] w, double[] dw, double learningRate, double reg);
    }

    /**
     * Exercise: the affine layer {@code y = x·W + b} as a {@link Node} made by {@code make}, with inputs
     * {@code (x, W, b)}: its backward ({@code dL/dx = dy·Wᵀ, dL/dW = xᵀ·dy, dL/db} = column sums of dy) against
     * the engine's matrixMultiply and sum and against finite differences, on random non-square shapes.
     */
    public static boolean affine(Supplier<Node> make) {
        Random r = cases();
        for (int k = 0; k < 2; k++) {
            int n = 2 + r.nextInt(3), d = n + 1 + r.nextInt(3), h = d + 1 + r.nextInt(2); // n, d, h all differ
            Tensor x0 = normal(r, n, d), w0 = normal(r, d, h), b0 = normal(r, 1, h).reshape(h), c = normal(r, n, h);
            String on = " (for x " + Compare.shape(x0) + ", W " + Compare.shape(w0) + ", b " + Compare.shape(b0) + ")";
            Outcome<Node> made = attempt(make::get);
            if (made.failed()) return fail("making your layer: " + made.problem());
            if (made.value() == null) return fail("your layer is null: return new Affine()");
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), w = cg.variable(w0, "W"), b = cg.variable(b0, "b");
            Outcome<Connection> added = attempt(() -> cg.add(made.value(), "y", x, w, b), "");
            if (added.failed()) return fail(added.problem() + ": make a new node each time (new Affine())");
            Connection y = added.value();
            Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(c))).named("L");
            SimulationContext ctx = new SimulationContext();
            Outcome<Tensor> fwd = attempt(() -> ctx.forward(cg, Map.of(x, x0)).value(y), "");
            if (fwd.failed()) return fail("your forward: " + fwd.problem() + on);
            Tensor[] want = engine(x0, w0, b0, c);
            String p = tensorProblem("your forward's y", fwd.value(), want[0]);
            if (p != null) return fail(p + on);
            Outcome<SimulationContext> bwd = attempt(() -> ctx.backward(cg, loss), "");
            if (bwd.failed()) return fail("your backward: " + bwd.problem() + shapeHint(bwd.problem()) + on);
            String[] names = {"dW", "db", "dx"};
            Tensor[] got = {ctx.gradient(w), ctx.gradient(b), ctx.gradient(x)};
            for (int i = 0; i < names.length; i++) {
                p = gradientProblem(names[i], got[i], want[i + 1], c);
                if (p != null) return fail(p + on);
            }
            Outcome<GradientCheck.Result> check = attempt(() -> GradientCheck.check(cg, loss, Map.of(x, x0), List.of(x, w, b),
                    GradientCheck.EPSILON, GradientCheck.TOLERANCE));
            if (check.failed()) return fail("the gradient check could not run your layer: " + check.problem());
            if (!check.value().passed()) return fail("the gradient check disagrees with your backward: " + check.value().worst());
        }
        return pass("your affine layer's backward gives dL/dx, dL/dW and dL/db as the engine's matrixMultiply and sum do,"
                + " and agrees with finite differences, on two shapes");
    }

    /**
     * Exercise: one SGD step with L2 regularisation, {@code w − lr·(dw + reg·w)}, returned as new values
     * ({@code w} unchanged), on random weights, gradients, learning rates and strengths.
     */
    public static boolean sgdStep(SgdStep step) {
        Random r = cases();
        for (int k = 0; k < 3; k++) {
            int n = 3 + r.nextInt(5);
            double[] w = normal(r, 1, n).toArray(), dw = normal(r, 1, n).toArray(), before = w.clone();
            double lr = 0.05 + 0.4 * r.nextDouble(), reg = 0.01 + 0.2 * r.nextDouble();
            String on = String.format(java.util.Locale.ROOT, " (for %d weights, learning rate %s, reg %s)", n, Compare.fmt(lr),
                    Compare.fmt(reg));
            Outcome<double[]> got = attempt(() -> step.step(w, dw, lr, reg));
            if (got.failed()) return fail(got.problem() + on);
            double[] next = got.value();
            if (next == null) return fail("your step returns null: return the new weights" + on);
            if (!Arrays.equals(w, before)) {
                return fail("your step changed w itself: compute the new weights in a new array and leave w as it is" + on);
            }
            if (next.length != n) return fail("your step returns " + next.length + " values for " + n + " weights" + on);
            double[] want = new double[n];
            for (int i = 0; i < n; i++) want[i] = w[i] - lr * (dw[i] + reg * w[i]);
            Diff diff = Compare.diff(next, want);
            if (diff.same()) continue;
            if (matches(next, i -> w[i], n)) return fail("your step returns w unchanged (is the code still a placeholder?)" + on);
            if (matches(next, i -> w[i] + lr * (dw[i] + reg * w[i]), n)) {
                return fail("your step moves w up the gradient: the loss grows. Which way does a step against the gradient go?" + on);
            }
            if (matches(next, i -> w[i] - lr * dw[i], n)) {
                return fail("your step follows dw only: the L2 term (reg/2)·Σw² of the loss has a gradient of its own" + on);
            }
            if (matches(next, i -> w[i] - lr * dw[i] - reg * w[i], n)) {
                return fail("your step takes the L2 term's gradient without the learning rate: the learning rate scales"
                        + " the step against the whole gradient, the data's and the L2 term's" + on);
            }
            if (matches(next, i -> w[i] - dw[i] - reg * w[i], n)) return fail("your step ignores the learning rate" + on);
            if (matches(next, i -> w[i] - lr * (dw[i] + 2 * reg * w[i]), n)) {
                return fail("your L2 term is twice too strong: the gradient of (reg/2)·w² is not 2·reg·w" + on);
            }
            return fail("your step: " + diff.describe(i -> "w[" + i + "]") + on);
        }
        return pass("your step moves w against dw + reg·w, scaled by the learning rate, and leaves w unchanged");
    }

    // ---- the reference: the engine's own ops ---------------------------------------------------------

    /** y = x·W + b with the engine's matrixMultiply and sum, and the gradients of sum(y ⊙ c): {y, dW, db, dx}. */
    private static Tensor[] engine(Tensor x0, Tensor w0, Tensor b0, Tensor c) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), w = cg.variable(w0, "W"), b = cg.variable(b0, "b");
        Connection y = cg.sum(cg.matrixMultiply(x, w), b);
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(c)));
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, x0)).backward(cg, loss);
        return new Tensor[] {ctx.value(y), ctx.gradient(w), ctx.gradient(b), ctx.gradient(x)};
    }

    /** What is wrong with one gradient, with advice for the usual slips, or null when it is right. */
    private static String gradientProblem(String name, Tensor got, Tensor want, Tensor dy) {
        if (got == null) return "your " + name + " is missing";
        String what = "your " + name;
        String p = tensorProblem(what, got, want);
        if (p == null) return null;
        double[] g = got.toArray();
        boolean zero = Arrays.stream(g).allMatch(v -> v == 0);
        if (zero) {
            return what + " is all zeros: your backward returns no gradient for it (null)"
                    + (name.equals("dx") ? "; the layer below needs dx whenever need[0] is true" : "");
        }
        if (name.equals("db")) {
            double rows = dy.dim(0);
            double[] w = want.toArray();
            if (matches(g, i -> w[i] / rows, g.length)) {
                return what + " is the mean of dy's columns: b is added to every row, so each row's gradient adds up";
            }
        }
        return p;
    }

    /** Advice when the engine refuses a gradient of the wrong shape (its message names the input). */
    private static String shapeHint(String problem) {
        if (problem == null || !problem.contains("returned a gradient of shape")) return "";
        return ". A gradient has the shape of what it is the gradient of: with x [n, d] and dy [n, h], which"
                + " product (and which transposes) gives that shape?";
    }
}
