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
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;

/** Notebook 5b's exercise (an operation of the student's own, added to the library from a cell). */
public final class OwnOpChecks {
    private OwnOpChecks() {}

    /**
     * Exercise: softplus {@code y = ln(1 + eˣ)}, {@code dy/dx = σ(x)}, as a {@link Node} made by {@code make}:
     * its forward against the formula, its backward against the formula and the gradient check, on random
     * tensors of two shapes.
     */
    public static boolean softplus(Supplier<Node> make) {
        Random r = cases();
        DoubleUnaryOperator sigmoid = v -> 1 / (1 + Math.exp(-v));
        for (int k = 0; k < 2; k++) {
            int m = 2 + r.nextInt(3), n = 2 + r.nextInt(3);
            Tensor x0 = scaled(normal(r, m, n), 3), dy = normal(r, m, n);
            Tensor before = Tensor.of(x0.toArray(), m, n);
            String on = " (for x of shape [" + m + ", " + n + "])";
            Outcome<Node> made = attempt(make::get);
            if (made.failed()) return fail("making your op: " + made.problem());
            Node node = made.value();
            if (node == null) return fail("your op is null: return new Softplus()");
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x");
            Outcome<Connection> added = attempt(() -> cg.add(node, "softplus", x), "");
            if (added.failed()) return fail(added.problem() + ": make a new node each time (new Softplus())");
            Connection y = added.value();
            Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(dy))).named("L");
            SimulationContext ctx = new SimulationContext();
            Outcome<Tensor> fwd = attempt(() -> ctx.forward(cg, Map.of(x, x0)).value(y));
            if (fwd.failed()) return fail("your forward: " + fwd.problem() + on);
            if (!x0.equals(before)) return fail("your forward changed its input x: compute y in a new array" + on);
            Tensor got = fwd.value();
            if (!Arrays.equals(got.shape(), x0.shape())) {
                return fail("your forward returns shape " + Compare.shape(got) + "; an element-wise op keeps x's shape" + on);
            }
            double[] xs = x0.toArray(), g = got.toArray(), want = new double[xs.length];
            for (int i = 0; i < xs.length; i++) want[i] = Math.log1p(Math.exp(xs[i]));
            Diff d = Compare.diff(g, want);
            if (!d.same()) {
                if (matches(g, i -> Math.exp(xs[i]), xs.length)) return fail("your forward gives eˣ: softplus is ln(1 + eˣ)" + on);
                if (matches(g, i -> Math.log(Math.exp(xs[i])), xs.length)) return fail("your forward gives ln(eˣ) = x: the 1 + is missing" + on);
                return fail("your forward: " + d.describe(i -> "x = " + Compare.fmt(xs[i])) + on);
            }
            Outcome<Tensor> bwd = attempt(() -> ctx.backward(cg, loss).gradient(x));
            if (bwd.failed()) return fail("your backward: " + bwd.problem() + on);
            double[] gx = bwd.value().toArray(), dys = dy.toArray(), wantDx = new double[xs.length];
            for (int i = 0; i < xs.length; i++) wantDx[i] = dys[i] * sigmoid.applyAsDouble(xs[i]);
            Diff db = Compare.diff(gx, wantDx);
            if (!db.same()) {
                if (matches(gx, i -> sigmoid.applyAsDouble(xs[i]), xs.length)) {
                    return fail("your backward returns the local derivative σ(x) only and forgot the incoming gradient dy:"
                            + " what does the chain rule multiply?" + on);
                }
                if (matches(gx, i -> dys[i] * Math.exp(xs[i]), xs.length)) {
                    return fail("your backward uses eˣ: the derivative of ln(u) is u'/u, with u = 1 + eˣ" + on);
                }
                if (matches(gx, i -> dys[i] * g[i], xs.length)) {
                    return fail("your backward multiplies dy by y = softplus(x): the derivative of softplus is σ(x)" + on);
                }
                return fail("your backward: " + db.describe(i -> "x = " + Compare.fmt(xs[i]) + ", dy = "
                        + Compare.fmt(dys[i])) + on);
            }
            Outcome<GradientCheck.Result> check = attempt(() -> GradientCheck.check(cg, loss, Map.of(x, x0), List.of(x),
                    GradientCheck.EPSILON, GradientCheck.TOLERANCE));
            if (check.failed()) return fail("the gradient check could not run your op: " + check.problem());
            if (!check.value().passed()) return fail("the gradient check disagrees with your backward: " + check.value().worst());
        }
        return pass("your softplus computes ln(1 + eˣ), passes dy · σ(x) back and agrees with finite differences, on"
                + " tensors of two shapes");
    }

    private static Tensor scaled(Tensor t, double k) {
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return Tensor.wrap(v, t.shape());
    }
}
