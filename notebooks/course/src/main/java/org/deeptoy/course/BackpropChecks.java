package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Kind;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.check.GradientCheck;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Notebook 3's exercises (backward by hand). */
public final class BackpropChecks {
    private BackpropChecks() {}

    /**
     * Exercise: sigmoid's backward, {@code dL/dx = dL/dy · y(1 - y)}. Compared with DeepToy's sigmoid,
     * then used as the backward of an op and put through {@link GradientCheck}.
     */
    public static boolean sigmoidBackward(Backward f) {
        java.util.Random rnd = cases();
        double[] xs = normal(rnd, 1, 7).toArray(), dys = normal(rnd, 1, 7).toArray();
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), y = cg.sigmoid(x);
        Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(Tensor.vector(dys))));
        SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, Tensor.vector(xs))).backward(cg, loss);
        double[] ys = ctx.value(y).toArray(), want = ctx.gradient(x).toArray(), got = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            int k = i;
            Outcome<Double> o = attempt(() -> f.dx(xs[k], ys[k], dys[k]));
            if (o.failed()) return fail(o.problem());
            got[i] = o.value();
        }
        Diff d = Compare.diff(got, want);
        if (!d.same()) {
            Where where = i -> "x = " + Compare.fmt(xs[i]) + ", dy = " + Compare.fmt(dys[i]);
            if (matches(got, i -> xs[i] * (1 - xs[i]) * dys[i], xs.length)) {
                return fail("you used x where the formula needs y = sigmoid(x): write sigmoid's derivative in terms of"
                        + " its output y");
            }
            if (matches(got, i -> ys[i] * (1 - ys[i]), xs.length)) {
                return fail("you return the local derivative dy/dx only and forgot the incoming gradient dy: what does"
                        + " the chain rule combine?");
            }
            return fail("sigmoid backward: " + d.describe(where));
        }
        // Right against the engine: now as the backward of an op, through the gradient check.
        ComputationalGraph g = new ComputationalGraph();
        Connection in = g.input("x");
        Connection out = g.add(new StudentUnary("sigmoid (yours)", f), null, in);
        Connection l = g.reduceSum(g.multiply(out, g.constant(Tensor.vector(dys))));
        Outcome<GradientCheck.Result> r = attempt(() -> GradientCheck.check(g, l, Map.of(in, Tensor.vector(xs)),
                List.of(in), GradientCheck.EPSILON, GradientCheck.TOLERANCE));
        if (r.failed()) return fail("the gradient check could not run your backward: " + r.problem());
        if (!r.value().passed()) return fail("the gradient check disagrees with your backward: " + r.value().worst());
        return pass("sigmoid backward matches DeepToy's sigmoid at " + xs.length + " points and passes the gradient check"
                + " (max relative error " + String.format(java.util.Locale.ROOT, "%.1e", r.value().maxError()) + ")");
    }

    /** Exercise: the chain rule by hand on {@code L = (a·b + c)²}; compared with the engine's gradients. */
    public static boolean chainRule(Gradients f) {
        java.util.Random rnd = cases();
        double[][] points = new double[4][];
        for (int p = 0; p < points.length; p++) points[p] = normal(rnd, 1, 3).toArray();
        String[] names = {"dL/da", "dL/db", "dL/dc"};
        double[][] got = new double[3][points.length], want = new double[3][points.length];
        for (int p = 0; p < points.length; p++) {
            double[] pt = points[p];
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.variable(pt[0], "a"), b = cg.variable(pt[1], "b"), c = cg.variable(pt[2], "c");
            Connection loss = cg.square(cg.sum(cg.multiply(a, b), c));
            SimulationContext ctx = new SimulationContext().forward(cg).backward(cg, loss);
            Connection[] wrt = {a, b, c};
            Outcome<double[]> o = attempt(() -> f.at(pt[0], pt[1], pt[2]));
            if (o.failed()) return fail(o.problem());
            double[] g = o.value();
            if (g == null || g.length != 3) {
                return fail("return the three gradients as new double[] {dLda, dLdb, dLdc}; yours "
                        + (g == null ? "is null" : "has " + g.length + " values"));
            }
            for (int j = 0; j < 3; j++) {
                got[j][p] = g[j];
                want[j][p] = ctx.gradient(wrt[j]).item();
            }
        }
        Where where = p -> "a = " + Compare.fmt(points[p][0]) + ", b = " + Compare.fmt(points[p][1]) + ", c = "
                + Compare.fmt(points[p][2]);
        for (int j = 0; j < 3; j++) {
            Diff d = Compare.diff(got[j], want[j]);
            if (d.same()) continue;
            String hint = "";
            if (d.kind() == Kind.FACTOR && Compare.close(d.factor(), 0.5)) {
                hint = " — did you forget a factor 2? Ask how v² changes when v changes";
            } else if (j < 2 && Compare.diff(got[j], want[1 - j]).same()) {
                hint = " — you have " + names[1 - j] + "'s value: which factor of a·b is left when you differentiate"
                        + " with respect to " + (j == 0 ? "a" : "b") + "?";
            } else if (d.kind() == Kind.FACTOR && Compare.close(d.factor(), 2)) {
                hint = " — twice the right value: is the factor 2 from v² counted twice?";
            }
            return fail(names[j] + " is wrong: " + d.describe(where) + hint);
        }
        return pass("your chain rule gives the engine's dL/da, dL/db and dL/dc at " + points.length + " points");
    }

    /**
     * Exercise: for {@code y = x + b} with x of shape [m, n] and b of shape [n] (broadcast to every
     * row), dL/db from dL/dy; compared with the engine's gradient of b.
     */
    public static boolean broadcastGradient(TensorFunction f) {
        java.util.Random rnd = cases();
        int[][] shapes = {{4 + rnd.nextInt(2), 2 + rnd.nextInt(2)}, {2, 4 + rnd.nextInt(3)}, {1, 3}}; // m ≠ n: a sum over the wrong axis shows in the shape
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0], n = shapes[s][1];
            Tensor dy = normal(rnd, m, n);
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), b = cg.variable(Tensor.zeros(n), "b");
            Connection loss = cg.reduceSum(cg.multiply(cg.sum(x, b), cg.constant(dy)));
            Tensor want = new SimulationContext().forward(cg, Map.of(x, Tensor.zeros(m, n))).backward(cg, loss).gradient(b);
            Tensor before = Tensor.of(dy.toArray(), m, n);
            Outcome<Tensor> o = attempt(() -> f.apply(dy));
            if (o.failed()) return fail(o.problem());
            Tensor got = o.value();
            String on = " (for dy of shape [" + m + ", " + n + "])";
            if (got == null) return fail("your function returned null" + on);
            if (!dy.equals(before)) return fail("your function changed dy; compute a new tensor instead" + on);
            if (!Arrays.equals(got.shape(), want.shape())) {
                if (Arrays.equals(got.shape(), new int[] {m, n})) {
                    return fail("your gradient has y's shape [" + m + ", " + n + "], but b has shape [" + n + "]: b was"
                            + " copied into each of the " + m + " rows; what happens to the gradients of those copies?");
                }
                if (Arrays.equals(got.shape(), new int[] {m})) {
                    return fail("your gradient has shape [" + m + "]: you summed along the rows' length (axis 1); b has one"
                            + " entry per column, shape [" + n + "], so sum over the rows (axis 0)");
                }
                if (Arrays.equals(got.shape(), new int[] {1, n})) {
                    return fail("your gradient has shape [1, " + n + "]; b's gradient has b's shape [" + n + "] (1-d)");
                }
                return fail("your gradient has shape " + Compare.shape(got) + " but b has shape [" + n + "]" + on);
            }
            Diff d = Compare.diff(got.toArray(), want.toArray());
            if (d.same()) continue;
            if (d.kind() == Kind.FACTOR && Compare.close(d.factor(), 1.0 / m)) {
                return fail("your values are 1/" + m + " of the right ones: you averaged dy over the rows; b is used"
                        + " once in every row, and each use contributes its whole gradient" + on);
            }
            return fail(d.describe(Where.flat(want.shape())) + on);
        }
        return pass("dL/db sums dy over the broadcast rows: matches the engine for dy of three shapes, one a single row");
    }

    /** An element-wise op whose forward is sigmoid and whose backward is the student's. */
    private static final class StudentUnary extends Node {
        private final Backward backward;

        StudentUnary(String name, Backward backward) {
            super(name);
            this.backward = backward;
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            double[] v = x[0].toArray();
            for (int i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
            return Tensor.wrap(v, x[0].shape());
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            double[] xs = x[0].data(), ys = y.data(), dys = dy.data(), dx = new double[xs.length];
            for (int i = 0; i < dx.length; i++) dx[i] = backward.dx(xs[i], ys[i], dys[i]);
            return new Tensor[] {Tensor.wrap(dx, x[0].shape())};
        }
    }
}
