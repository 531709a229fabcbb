package org.deeptoy.check;

import org.deeptoy.check.Compare.Diff;
import org.deeptoy.check.Compare.Kind;
import org.deeptoy.check.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.nn.History;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The course's exercise checks. A check cell passes the student's code (a lambda, a tensor or a
 * graph) to one of these methods; it runs the code on a few inputs, compares with DeepToy's own
 * result (and the gradient check where gradients are involved), prints {@code ✓} with a short
 * confirmation or {@code ✗} with what is wrong (shape, sign, a constant factor, NaN, an exception
 * and its message) and a hint, never the answer, and returns whether the answer is right. It never
 * throws at the student, except in grading mode ({@code DEEPTOY_GRADE=1}, see {@link Course#grading()}),
 * where a failed check throws {@link CheckFailed} so that nbgrader scores the cell 0.
 *
 * <pre>{@code
 * Exercises.Backward sigmoidBackward = (x, y, dy) -> dy * y * (1 - y);
 * Exercises.sigmoidBackward(sigmoidBackward);     // ✓ sigmoid backward matches DeepToy's sigmoid ...
 * }</pre>
 *
 * <p>Adding a check: take the student's code as one of the small interfaces below (or a tensor),
 * run it through {@code attempt} on a few inputs chosen so that typical mistakes differ (several
 * batch sizes tell "summed instead of averaged" from a constant factor), compute the right answer
 * with DeepToy's own ops, look for the typical mistakes first (they get the clearest advice), then
 * fall back on {@link Compare#diff}, and end in {@code pass} or {@code fail}. Add a test to
 * ExercisesTest that the right answer passes and each typical mistake gets its explanation.
 */
public final class Exercises {
    private Exercises() {}

    // ---- what students write --------------------------------------------------------------------

    /** dL/dx of an element-wise function, from its input x, its output y and dL/dy. */
    @FunctionalInterface
    public interface Backward {
        double dx(double x, double y, double dy);
    }

    /** Early stopping's choice for validation accuracies and a patience: {best epoch, last epoch}, from 1. */
    public interface EarlyStop {
        int[] epochs(double[] accuracy, int patience);
    }

    /** The gradients {dL/da, dL/db, dL/dc} of an expression L(a, b, c). */
    @FunctionalInterface
    public interface Gradients {
        double[] at(double a, double b, double c);
    }

    /** Adds operations computing something of {@code x} to {@code cg} and returns their output. */
    @FunctionalInterface
    public interface GraphBuilder {
        Connection build(ComputationalGraph cg, Connection x);
    }

    /** A function from one tensor to another. */
    @FunctionalInterface
    public interface TensorFunction {
        Tensor apply(Tensor t);
    }

    /** A loss of a batch: scores (or logits) of shape [N, C] and one label 0..C-1 per row, to one number. */
    @FunctionalInterface
    public interface Loss {
        double of(Tensor scores, int[] labels);
    }

    /** One optimizer step: the new weights from the weights, their gradient and the learning rate. */
    @FunctionalInterface
    public interface Step {
        Tensor next(Tensor w, Tensor grad, double lr);
    }

    /** Squared distances between the rows of a [m][d] and of b [n][d], written with loops: [m][n]. */
    @FunctionalInterface
    public interface DistancesLoop {
        double[][] of(double[][] a, double[][] b);
    }

    /** The same squared distances as graph ops on whole tensors: a [m, d] and b [n, d] in, [m, n] out. */
    @FunctionalInterface
    public interface Distances {
        Connection build(ComputationalGraph cg, Connection a, Connection b);
    }

    // ---- general checks, for any exercise -----------------------------------------------------------

    /** Checks a tensor against the right one: shape first, then values. */
    public static boolean tensor(String what, Tensor got, Tensor want) {
        String p = tensorProblem(what, got, want);
        return p == null ? pass(what + " is right " + Compare.shape(want)) : fail(p);
    }

    /** Checks a number against the right one. */
    public static boolean number(String what, double got, double want) {
        Diff d = Compare.diff(got, want);
        return d.same() ? pass(what + " = " + Compare.fmt(got) + " is right")
                : fail(what + ": " + d.describe(i -> "the value"));
    }

    /**
     * Runs the gradient check on a graph the student built (e.g. with an op of their own, added with
     * {@code cg.add(node, name, inputs)}): ✓ when backward agrees with finite differences for every
     * variable, ✗ naming the variable and element that disagree most.
     */
    public static boolean gradients(String what, ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds) {
        if (cg == null || loss == null) return fail(what + ": the graph or the loss is null");
        Outcome<GradientCheck.Result> r = attempt(() -> GradientCheck.check(cg, loss, feeds == null ? Map.of() : feeds), "");
        if (r.failed()) return fail(what + ": the gradient check could not run: " + r.problem());
        GradientCheck.Result result = r.value();
        if (!result.passed()) return fail(what + ": backward disagrees with finite differences at " + result.worst());
        return pass(what + ": backward agrees with finite differences for " + result.errors().size()
                + " variable(s) (max relative error " + String.format(java.util.Locale.ROOT, "%.1e", result.maxError()) + ")");
    }

    // ---- notebook 1: the kernel ---------------------------------------------------------------------

    /** Exercise: the 2×3 tensor holding 1, 2, …, 6 row by row. */
    public static boolean firstTensor(Tensor t) {
        Tensor want = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        if (t == null) return fail("your tensor is null: create it with Tensor.matrix(...) or Tensor.of(...)");
        if (Arrays.equals(t.shape(), new int[] {3, 2})) {
            Tensor transposed = Tensor.of(new double[] {1, 4, 2, 5, 3, 6}, 3, 2);
            return fail("your tensor has shape [3, 2]: rows and columns are swapped"
                    + (t.allClose(transposed, 1e-9) ? " (each row of yours is a column of the right one)" : "")
                    + "; the exercise asks for 2 rows of 3 values");
        }
        if (Arrays.equals(t.shape(), new int[] {6})) {
            return fail("your tensor is 1-d, shape [6]; give it 2 rows and 3 columns, e.g. with .reshape(2, 3)");
        }
        String p = tensorProblem("your tensor", t, want);
        return p == null ? pass("a 2×3 tensor holding 1 … 6 row by row") : fail(p);
    }

    /** Exercise: the mean of each row of a matrix [m, n], shape [m]. Compared with {@code cg.mean(x, 1)}. */
    public static boolean rowMeans(TensorFunction f) {
        List<Tensor> cases = List.of(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3),
                Tensor.randomNormal(7, 4, 5), Tensor.of(new double[] {2, -1, 8}, 3, 1));
        for (Tensor x : cases) {
            int m = x.dim(0), n = x.dim(1);
            ComputationalGraph cg = new ComputationalGraph();
            Connection mean = cg.mean(cg.constant(x), 1);
            Tensor want = new SimulationContext().forward(cg).value(mean);
            Outcome<Tensor> got = attempt(() -> f.apply(x));
            if (got.failed()) return fail(got.problem());
            Tensor y = got.value();
            if (y == null) return fail("your function returned null for a " + Compare.shape(x) + " matrix");
            String on = " (for the " + m + "×" + n + " matrix " + brief(x) + ")";
            if (!Arrays.equals(y.shape(), want.shape())) {
                if (Arrays.equals(y.shape(), new int[] {n}) && m != n) {
                    return fail("your result has shape [" + n + "]: one value per column, so you averaged the columns"
                            + " (axis 0); average each row instead, giving shape [" + m + "]" + on);
                }
                if (Arrays.equals(y.shape(), new int[] {m, 1})) {
                    return fail("your result has shape [" + m + ", 1]; make it 1-d, shape [" + m
                            + "], e.g. with Tensor.vector(...)" + on);
                }
                return fail("your result has shape " + Compare.shape(y) + " but one mean per row means shape ["
                        + m + "]" + on);
            }
            Diff d = Compare.diff(y.toArray(), want.toArray());
            if (d.same()) continue;
            if (d.kind() == Kind.FACTOR && Compare.close(d.factor(), n)) {
                return fail("your values are " + n + " × the means: you summed each row; a mean also accounts for how"
                        + " many values were summed" + on);
            }
            return fail(d.describe(Where.flat(want.shape())) + on);
        }
        return pass("row means match cg.mean(x, 1) on " + cases.size() + " matrices");
    }

    // ---- notebook 2: the graph ------------------------------------------------------------------------

    /** Exercise: a graph computing (2 + 3) × 4 from the constants 2, 3 and 4; {@code result} is its output. */
    public static boolean firstGraph(ComputationalGraph cg, Connection result) {
        if (cg == null) return fail("your graph is null: start with new ComputationalGraph()");
        if (result == null) return fail("your result is null: make it the output of the last operation you add");
        if (result.graph() != cg) return fail("your result belongs to another graph than cg: build everything in one graph");
        if (result.producer() == null) {
            return fail("your result is " + result.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + result.label()
                    + ", not the output of an operation: build it from the constants 2, 3"
                    + " and 4 with cg.sum and cg.multiply");
        }
        Outcome<Tensor> value = attempt(() -> new SimulationContext().forward(cg, result).value(result), "");
        if (value.failed()) return fail("running your graph failed: " + value.problem());
        Tensor v = value.value();
        if (v.size() != 1) return fail("your result has shape " + Compare.shape(v) + "; it should be one number");
        double got = v.item();
        if (Compare.close(got, 14)) {
            return fail("your graph computes 2 + 3 × 4 = 14: in (2 + 3) × 4 the sum happens first; which operation's"
                    + " output does the other one take as input?");
        }
        if (!Compare.close(got, 20)) return fail("your graph computes " + Compare.fmt(got) + ", not (2 + 3) × 4 = 20");
        Set<String> ops = opsBehind(result);
        if (!ops.contains("sum") || !ops.contains("multiply")) {
            return fail("the value is 20, but the graph uses " + ops + "; use cg.sum and cg.multiply");
        }
        return pass("(2 + 3) × 4 = 20, computed by your graph with sum and multiply");
    }

    /** Exercise: a builder of {@code y = x² + 3x + 1} (element by element) from the graph's input x. */
    public static boolean polynomial(GraphBuilder f) {
        double[] xs = {-2, -0.5, 0, 1, 3};
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Outcome<Connection> built = attempt(() -> f.build(cg, x));
        if (built.failed()) return fail(built.problem());
        Connection y = built.value();
        if (y == null) return fail("your builder returned null: return the connection that holds x² + 3x + 1");
        if (y.graph() != cg) return fail("your builder returned a connection of another graph: add the ops to cg, the graph it is given");
        if (!behind(y).contains(x)) return fail("your result does not depend on x, so it is the same whatever x is: use the connection x given to your builder");
        Outcome<Tensor> run = attempt(() -> new SimulationContext().forward(cg, Map.of(x, Tensor.vector(xs)), y).value(y), "");
        if (run.failed()) return fail("running your graph failed: " + run.problem());
        Tensor v = run.value();
        if (v.size() != xs.length) {
            return fail("for x = " + Arrays.toString(xs) + " your graph gives shape " + Compare.shape(v) + "; compute element"
                    + " by element (no reduceSum / mean), so y has x's shape [" + xs.length + "]");
        }
        double[] got = v.toArray(), want = new double[xs.length];
        for (int i = 0; i < xs.length; i++) want[i] = xs[i] * xs[i] + 3 * xs[i] + 1;
        boolean constant = true;
        for (double g : got) constant &= Compare.close(g, got[0]);
        if (constant) return fail("your result is " + Compare.fmt(got[0]) + " whatever x is: use the connection x given to your builder");
        Diff d = Compare.diff(got, want);
        return d.same() ? pass("x² + 3x + 1 is right at x = " + Arrays.toString(xs))
                : fail(d.describe(i -> "x = " + Compare.fmt(xs[i])));
    }

    // ---- notebook 3: backward -------------------------------------------------------------------------

    /**
     * Exercise: sigmoid's backward, {@code dL/dx = dL/dy · y(1 - y)}. Compared with DeepToy's sigmoid,
     * then used as the backward of an op and put through {@link GradientCheck}.
     */
    public static boolean sigmoidBackward(Backward f) {
        double[] xs = {-3, -1, -0.5, 0, 0.5, 2, 4}, dys = {1, 0.5, -2, 1, 3, -1, 0.7};
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
        double[][] points = {{2, -3, 10}, {1, 1, 1}, {-1.5, 4, 0.5}, {0.5, 2, -3}};
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
        int[][] shapes = {{4, 3}, {2, 5}, {1, 3}};
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0], n = shapes[s][1];
            Tensor dy = Tensor.randomNormal(11 + s, m, n);
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
        return pass("dL/db sums dy over the broadcast rows: matches the engine for dy of shapes [4, 3], [2, 5], [1, 3]");
    }

    // ---- later notebooks: losses and optimizers ---------------------------------------------------------

    /**
     * Exercise: the multiclass hinge loss (Weston–Watkins, margin 1, mean over the batch):
     * {@code L = 1/N Σ_i Σ_{j ≠ y_i} max(0, s_ij - s_iy_i + 1)}; compared with {@code cg.multiclassHinge}.
     */
    public static boolean multiclassHinge(Loss f) {
        List<Tensor> scores = List.of(Tensor.randomNormal(21, 5, 4), Tensor.randomNormal(22, 3, 3),
                Tensor.of(new double[] {5, 0, 1, -2, 4, 0}, 2, 3));
        List<int[]> labels = List.of(new int[] {0, 3, 1, 2, 1}, new int[] {2, 2, 0}, new int[] {0, 1});
        double[] got = new double[scores.size()], want = new double[scores.size()];
        double[] sum = new double[want.length], withCorrect = new double[want.length], margin0 = new double[want.length];
        for (int k = 0; k < scores.size(); k++) {
            Tensor s = scores.get(k);
            int[] y = labels.get(k);
            Outcome<Double> o = attempt(() -> f.of(Tensor.of(s.toArray(), s.shape()), y.clone()));
            if (o.failed()) return fail(o.problem());
            got[k] = o.value();
            want[k] = engineLoss(s, y, true);
            sum[k] = want[k] * s.dim(0);
            withCorrect[k] = want[k] + 1;
            margin0[k] = hinge(s, y, 0);
        }
        Diff d = Compare.diff(got, want);
        if (d.same()) return pass("multiclass hinge loss matches on " + scores.size() + " batches (one with every margin met: 0)");
        if (Compare.diff(got, sum).same()) return fail("you summed over the batch: the loss is the mean over the N rows");
        if (Compare.diff(got, withCorrect).same()) {
            return fail("your loss is 1 too large: you included the correct class j = y_i, whose term is always 1;"
                    + " the sum runs over the other classes only");
        }
        if (Compare.diff(got, margin0).same()) return fail("your loss is the hinge with a margin of 0; the exercise's margin is 1");
        return fail("hinge loss: " + d.describe(batchNames(scores)));
    }

    /**
     * Exercise: softmax cross-entropy, {@code L = 1/N Σ_i (log Σ_j e^z_ij - z_iy_i)}, also for large
     * logits; compared with {@code cg.softmaxCrossEntropy}.
     */
    public static boolean softmaxCrossEntropy(Loss f) {
        List<Tensor> logits = List.of(Tensor.randomNormal(31, 4, 3), Tensor.randomNormal(32, 2, 5),
                Tensor.of(new double[] {1000, 0, -1000, 0, 800, 1}, 2, 3));
        List<int[]> labels = List.of(new int[] {0, 2, 1, 1}, new int[] {4, 0}, new int[] {0, 2});
        double[] got = new double[logits.size()], want = new double[logits.size()], sum = new double[want.length];
        for (int k = 0; k < logits.size(); k++) {
            Tensor z = logits.get(k);
            int[] y = labels.get(k);
            Outcome<Double> o = attempt(() -> f.of(Tensor.of(z.toArray(), z.shape()), y.clone()));
            if (o.failed()) return fail(o.problem());
            got[k] = o.value();
            want[k] = engineLoss(z, y, false);
            sum[k] = want[k] * z.dim(0);
        }
        int last = got.length - 1;
        Diff small = Compare.diff(Arrays.copyOf(got, last), Arrays.copyOf(want, last));
        if (small.same() && !Double.isFinite(got[last])) {
            return fail("right on small logits, but " + Compare.fmt(got[last]) + " for logits like 1000: e^1000 is infinite"
                    + " in doubles. Softmax does not change when one number is subtracted from every logit of a row:"
                    + " which number keeps every exp small?");
        }
        Diff d = Compare.diff(got, want);
        if (d.same()) return pass("softmax cross-entropy matches on " + logits.size() + " batches, also for logits of ±1000");
        if (Compare.diff(got, sum).same()) return fail("you summed over the batch: the loss is the mean over the N rows");
        if (d.kind() == Kind.SIGN) return fail("the sign is wrong: a cross-entropy is never negative");
        return fail("cross-entropy: " + d.describe(batchNames(logits)));
    }

    /** Exercise: one step of gradient descent, {@code w - lr · grad}, as a new tensor. */
    public static boolean sgdStep(Step f) {
        Tensor[] ws = {Tensor.randomNormal(41, 3, 2), Tensor.vector(1, -2, 0.5)};
        Tensor[] gs = {Tensor.randomNormal(42, 3, 2), Tensor.vector(0.4, 0.1, -3)};
        double[] lrs = {0.1, 0.5};
        for (int k = 0; k < ws.length; k++) {
            Tensor w = ws[k], g = gs[k];
            double lr = lrs[k];
            Tensor w0 = Tensor.of(w.toArray(), w.shape()), g0 = Tensor.of(g.toArray(), g.shape());
            Outcome<Tensor> o = attempt(() -> f.next(w, g, lr));
            if (o.failed()) return fail(o.problem());
            Tensor got = o.value();
            String on = " (w of shape " + Compare.shape(w) + ", lr = " + Compare.fmt(lr) + ")";
            if (got == null) return fail("your step returned null: return the new weights" + on);
            if (!w.equals(w0) || !g.equals(g0)) {
                return fail("your step changed " + (!w.equals(w0) ? "w" : "grad") + " in place; return a new tensor"
                        + " (tensors are values in DeepToy)" + on);
            }
            if (!Arrays.equals(got.shape(), w.shape())) {
                return fail("your new weights have shape " + Compare.shape(got) + " but w has shape " + Compare.shape(w) + on);
            }
            double[] wv = w.toArray(), gv = g.toArray(), r = got.toArray(), want = new double[wv.length];
            for (int i = 0; i < wv.length; i++) want[i] = wv[i] - lr * gv[i];
            Diff d = Compare.diff(r, want);
            if (d.same()) continue;
            if (matches(r, i -> wv[i] + lr * gv[i], r.length)) {
                return fail("the sign is wrong: your step moves up the gradient, which increases the loss" + on);
            }
            if (matches(r, i -> wv[i] - gv[i], r.length)) {
                return fail("your step is 1/lr times too large: you forgot the learning rate" + on);
            }
            if (matches(r, i -> -lr * gv[i], r.length) || matches(r, i -> lr * gv[i], r.length)) {
                return fail("you returned the change only; the exercise asks for the new weights" + on);
            }
            return fail(d.describe(Where.flat(w.shape())) + on);
        }
        return pass("one SGD step w - lr·grad is right, and w is left unchanged");
    }

    // ---- notebook 6b: generalization -------------------------------------------------------------

    /**
     * Exercise: early stopping by hand. For validation accuracies ({@code acc[0]} is epoch 1) and a
     * patience, {@code {best, last}}: the epoch whose weights are kept and the last epoch run;
     * compared with the rule on hand-made cases (a tie, a stop, a run to the end), then with what
     * {@code fit} did in the notebook's own run ({@code run}, trained with {@code patience}).
     */
    public static boolean earlyStop(EarlyStop f, History run, int patience) {
        double[][] cases = {{0.5, 0.6, 0.7, 0.65, 0.66, 0.64}, {0.5, 0.6, 0.6, 0.6, 0.7}, {0.9, 0.8, 0.7}, {0.1, 0.2, 0.3}};
        int[] patiences = {2, 2, 1, 5};
        for (int k = 0; k < cases.length; k++) {
            double[] acc = cases[k];
            String on = " (accuracies " + Arrays.toString(acc) + ", patience " + patiences[k] + ")";
            String p = earlyStopProblem(f, acc, patiences[k], stopRule(acc, patiences[k], false));
            if (p != null) return fail(p + on);
        }
        int[] fit = {run.bestEpoch(), run.epochs().size()};
        String p = earlyStopProblem(f, run.validationAccuracy(), patience, fit);
        if (p != null) return fail(p + " on fit's run above (patience " + patience + ")");
        return pass("earlyStop agrees with the hand-made cases and with fit's run (kept epoch " + run.bestEpoch()
                + " of " + run.epochs().size() + ")");
    }

    /** What is wrong with the student's {best, last} for one case (the right one is want), or null. */
    private static String earlyStopProblem(EarlyStop f, double[] acc, int patience, int[] want) {
        Outcome<int[]> o = attempt(() -> f.epochs(acc.clone(), patience));
        if (o.failed()) return o.problem();
        int[] got = o.value();
        if (got == null || got.length != 2) return "return two epochs, {best, last}";
        if (Arrays.equals(got, want)) return null;
        if (got[0] == want[0] - 1 && got[1] == want[1] - 1) return "your epochs count from 0, but acc[0] is epoch 1";
        if (Arrays.equals(got, stopRule(acc, patience, true))) {
            return "an equal accuracy is not a new best: the first epoch that reached it is kept";
        }
        if (got[0] != want[0]) return "the epoch kept is not the one with the highest accuracy so far";
        if (got[1] == acc.length) return "your run goes to the end: it should stop after `patience` epochs in a row without a new best";
        return got[1] < want[1]
                ? "your run stops too early: only epochs without a new best count, and a new best starts the count again"
                : "your run goes on too long: it stops once `patience` epochs in a row brought no new best";
    }

    /**
     * Early stopping's rule, 1-based: the first epoch with the highest accuracy so far, and where it
     * stops; with {@code equalIsNewBest} the usual mistake of counting a tie as a new best.
     */
    private static int[] stopRule(double[] acc, int patience, boolean equalIsNewBest) {
        int best = 0, since = 0;
        for (int e = 1; e < acc.length; e++) {
            if (acc[e] > acc[best] || equalIsNewBest && acc[e] == acc[best]) {
                best = e;
                since = 0;
            } else if (++since >= patience) {
                return new int[] {best + 1, e + 1};
            }
        }
        return new int[] {best + 1, acc.length};
    }

    // ---- notebook 7c: vectorization ---------------------------------------------------------------

    /**
     * Exercise: {@code D[i][j] = Σ_k (a[i][k] − b[j][k])²} with loops over arrays; compared with the
     * same sum computed here, on three pairs of matrices.
     */
    public static boolean distancesLoop(DistancesLoop f) {
        for (Tensor[] ab : distanceCases()) {
            double[][] a = rows(ab[0]), b = rows(ab[1]);
            Outcome<double[][]> o = attempt(() -> f.of(rows(ab[0]), rows(ab[1])));
            if (o.failed()) return fail(o.problem());
            double[][] got = o.value();
            String on = " (a " + Compare.shape(ab[0]) + ", b " + Compare.shape(ab[1]) + ")";
            if (got == null) return fail("your function returned null: return the [m][n] array of squared distances" + on);
            int m = a.length, n = b.length;
            if (got.length == n && n != m && got[0] != null && got[0].length == m) {
                return fail("your array is [n][m]: rows and columns are swapped; D[i][j] pairs row i of a with row j of b" + on);
            }
            for (double[] row : got) {
                if (got.length != m || row == null || row.length != n) {
                    return fail("your array should have " + m + " rows of " + n + " numbers, one row per row of a" + on);
                }
            }
            String p = distanceProblem(flat(got), ab[0], ab[1]);
            if (p != null) return fail(p + on);
        }
        return pass("the loop version gives the squared distances of every pair of rows");
    }

    /**
     * Exercise: the same squared distances as a graph of whole-tensor ops, e.g.
     * {@code ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j}; compared with the same sum computed here.
     */
    public static boolean distances(Distances f) {
        for (Tensor[] ab : distanceCases()) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.input("a"), b = cg.input("b");
            String on = " (a " + Compare.shape(ab[0]) + ", b " + Compare.shape(ab[1]) + ")";
            Outcome<Connection> built = attempt(() -> f.build(cg, a, b));
            if (built.failed()) return fail(built.problem());
            Connection d = built.value();
            if (d == null) return fail("your function returned null: return the connection holding the [m, n] distances");
            Set<Connection> from = behind(d);
            if (!from.contains(a) || !from.contains(b)) {
                return fail("your result is not computed from " + (!from.contains(a) ? "a" : "b") + ": build it from the inputs");
            }
            Outcome<Tensor> run = attempt(() -> new SimulationContext().forward(cg, Map.of(a, ab[0], b, ab[1]), d).value(d));
            if (run.failed()) return fail(run.problem() + on);
            Tensor got = run.value();
            int m = ab[0].dim(0), n = ab[1].dim(0);
            if (Arrays.equals(got.shape(), new int[] {n, m}) && n != m) {
                return fail("your result has shape [n, m] = " + Compare.shape(got) + ": rows and columns are swapped"
                        + "; row i should belong to row i of a" + on);
            }
            if (!Arrays.equals(got.shape(), new int[] {m, n})) {
                return fail("your result has shape " + Compare.shape(got) + " but should have shape [" + m + ", " + n + "]: "
                        + "one row per row of a, one column per row of b. Which axis does each reduceSum remove, and where "
                        + "does broadcasting add a size-1 axis?" + on);
            }
            String p = distanceProblem(got.toArray(), ab[0], ab[1]);
            if (p != null) return fail(p + on);
        }
        return pass("the tensor version gives the squared distances of every pair of rows");
    }

    /** Three pairs (a, b): different m and n, a single feature, a equal to b (distances 0 on the diagonal). */
    private static List<Tensor[]> distanceCases() {
        Tensor a = Tensor.randomNormal(51, 3, 4), b = Tensor.randomNormal(52, 5, 4), c = Tensor.randomNormal(53, 2, 1);
        return List.of(new Tensor[] {a, b}, new Tensor[] {c, Tensor.randomNormal(54, 4, 1)}, new Tensor[] {b, b});
    }

    /** What is wrong with flat [m, n] distances, with the usual mistakes named first; null when right. */
    private static String distanceProblem(double[] got, Tensor a, Tensor b) {
        int m = a.dim(0), n = b.dim(0), d = a.dim(1);
        double[] want = new double[m * n], root = new double[m * n], absolute = new double[m * n], plusCross = new double[m * n];
        double[] noFactor = new double[m * n], noA = new double[m * n], noB = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sq = 0, abs = 0, aa = 0, bb = 0, ab = 0;
                for (int k = 0; k < d; k++) {
                    double x = a.get(i, k), y = b.get(j, k);
                    sq += (x - y) * (x - y);
                    abs += Math.abs(x - y);
                    aa += x * x;
                    bb += y * y;
                    ab += x * y;
                }
                int q = i * n + j;
                want[q] = sq;
                root[q] = Math.sqrt(sq);
                absolute[q] = abs;
                plusCross[q] = aa + bb + 2 * ab;
                noFactor[q] = aa + bb - ab;
                noA[q] = bb - 2 * ab;
                noB[q] = aa - 2 * ab;
            }
        }
        Diff diff = Compare.diff(got, want);
        if (diff.same()) return null;
        if (Compare.diff(got, root).same()) return "these are distances; the exercise asks for squared distances (no square root)";
        if (Compare.diff(got, absolute).same()) return "each difference should be squared, not taken as its absolute value";
        if (Compare.diff(got, plusCross).same()) return "the cross term a·b has the wrong sign: expand (x − y)²";
        if (Compare.diff(got, noFactor).same()) return "the cross term a·b has the wrong factor: expand (x − y)²";
        if (Compare.diff(got, noA).same() || Compare.diff(got, noB).same()) {
            return "a term is missing: (x − y)² expands into three, and each needs its own sum over the features";
        }
        return "squared distances: " + diff.describe(Where.flat(new int[] {m, n}));
    }

    private static double[][] rows(Tensor t) {
        double[][] r = new double[t.dim(0)][t.dim(1)];
        for (int i = 0; i < r.length; i++) for (int k = 0; k < r[i].length; k++) r[i][k] = t.get(i, k);
        return r;
    }

    private static double[] flat(double[][] x) {
        return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
    }

    /**
     * Exercise (notebook 8b): batch normalization's training-mode forward without γ and β, each column
     * (feature) of x [n, c] normalised by the batch's mean and variance: {@code (x - μ) / √(σ² + 1e-5)}.
     * Compared with {@code cg.batchNorm} in training mode with γ = 1 and β = 0.
     */
    public static boolean batchNorm(TensorFunction f) {
        List<Tensor> cases = List.of(Tensor.of(new double[] {1, 10, 2, 20, 3, 60, 6, 30}, 4, 2),
                scaled(Tensor.randomNormal(43, 5, 3), 3), Tensor.randomNormal(44, 8, 8));
        for (Tensor x : cases) {
            int n = x.dim(0), c = x.dim(1);
            Tensor x0 = Tensor.of(x.toArray(), x.shape());
            ComputationalGraph cg = new ComputationalGraph();
            Connection y = cg.batchNorm(cg.constant(x), cg.constant(Tensor.ones(c)), cg.constant(Tensor.zeros(c)),
                    cg.constant(Tensor.zeros(c)), cg.constant(Tensor.ones(c)));
            Tensor want = new SimulationContext().training(true).forward(cg).value(y);
            Outcome<Tensor> o = attempt(() -> f.apply(x));
            if (o.failed()) return fail(o.problem());
            Tensor got = o.value();
            String on = " (for a batch of " + n + " examples with " + c + " features)";
            if (got == null) return fail("your function returned null" + on);
            if (!x.equals(x0)) return fail("your function changed x in place; return a new tensor" + on);
            if (!Arrays.equals(got.shape(), want.shape())) {
                return fail("your result has shape " + Compare.shape(got) + " but x has shape " + Compare.shape(x)
                        + ": batch norm gives one value per value of x" + on);
            }
            double[] r = got.toArray(), w = want.toArray(), xv = x.toArray();
            if (Compare.diff(r, w).same()) continue;
            double[][] colStats = stats(xv, n, c, true), rowStats = stats(xv, n, c, false);
            if (matches(r, i -> (xv[i] - rowStats[0][i / c]) / Math.sqrt(rowStats[1][i / c] + 1e-5), r.length)) {
                return fail("you normalised each row, one example's features; batch norm normalises each column: one"
                        + " feature over the examples of the batch" + on);
            }
            if (matches(r, i -> (xv[i] - colStats[0][i % c]) / Math.sqrt(colStats[1][i % c] * n / (n - 1) + 1e-5), r.length)) {
                return fail("your variance divides the squared deviations by N - 1; batch norm uses the batch's own"
                        + " variance, their mean (divide by N)" + on);
            }
            if (matches(r, i -> (xv[i] - colStats[0][i % c]) / (colStats[1][i % c] + 1e-5), r.length)) {
                return fail("you divided by the variance; divide by the standard deviation, the square root of"
                        + " variance + ε" + on);
            }
            if (matches(r, i -> xv[i] / Math.sqrt(colStats[1][i % c] + 1e-5), r.length)) {
                return fail("the columns of your result do not have mean 0: subtract each column's mean first" + on);
            }
            return fail(Compare.diff(r, w).describe(Where.flat(want.shape())) + on);
        }
        return pass("your batch norm matches cg.batchNorm in training mode on " + cases.size() + " batches");
    }

    private static Tensor scaled(Tensor t, double k) {
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return Tensor.wrap(v, t.shape());
    }

    /** Mean and variance (divided by the count) of each column (columns = true) or row of x [n, c]. */
    private static double[][] stats(double[] x, int n, int c, boolean columns) {
        int groups = columns ? c : n, count = columns ? n : c;
        double[] mean = new double[groups], var = new double[groups];
        for (int i = 0; i < x.length; i++) mean[columns ? i % c : i / c] += x[i] / count;
        for (int i = 0; i < x.length; i++) {
            int g = columns ? i % c : i / c;
            var[g] += (x[i] - mean[g]) * (x[i] - mean[g]) / count;
        }
        return new double[][] {mean, var};
    }

    // ---- reference math ------------------------------------------------------------------------------

    /** The hinge loss with any margin, to recognise a wrong margin (the engine's op has margin 1). */
    static double hinge(Tensor scores, int[] labels, double margin) {
        int n = scores.dim(0), c = scores.dim(1);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sy = scores.get(i, labels[i]);
            for (int j = 0; j < c; j++) {
                if (j != labels[i]) total += Math.max(0, scores.get(i, j) - sy + margin);
            }
        }
        return total / n;
    }

    /** DeepToy's own loss op on a batch: cg.multiclassHinge or cg.softmaxCrossEntropy. */
    private static double engineLoss(Tensor scores, int[] labels, boolean hinge) {
        ComputationalGraph cg = new ComputationalGraph();
        double[] y = new double[labels.length];
        for (int i = 0; i < y.length; i++) y[i] = labels[i];
        Connection s = cg.constant(scores, "scores"), l = cg.constant(Tensor.vector(y), "labels");
        Connection loss = hinge ? cg.multiclassHinge(s, l) : cg.softmaxCrossEntropy(s, l);
        return new SimulationContext().forward(cg, loss).value(loss).item();
    }

    // ---- plumbing ------------------------------------------------------------------------------------

    /** The student's result, or what went wrong running their code. */
    private record Outcome<T>(T value, String problem) {
        boolean failed() {
            return problem != null;
        }
    }

    private static <T> Outcome<T> attempt(Callable<T> code) {
        return attempt(code, "your code threw ");
    }

    /** Runs code that may fail; DeepToy's own errors are already written for students and kept as they are. */
    private static <T> Outcome<T> attempt(Callable<T> code, String prefix) {
        try {
            return new Outcome<>(code.call(), null);
        } catch (StackOverflowError e) {
            return new Outcome<>(null, "your code calls itself without end (StackOverflowError)");
        } catch (VirtualMachineError e) {
            throw e; // out of memory: not something the answer can be judged on
        } catch (DeepToyException e) {
            return new Outcome<>(null, prefix + e.getMessage());
        } catch (Exception | AssertionError | LinkageError e) {
            String name = e.getClass().getSimpleName();
            return new Outcome<>(null, prefix + (name.isEmpty() ? e.getClass().getName() : name)
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * Reports a passed check: prints {@code ✓ message} and returns true. For checks written in a
     * notebook's check cell.
     */
    public static boolean pass(String message) {
        System.out.println("✓ " + message);
        return true;
    }

    /**
     * Reports a failed check: prints {@code ✗ message} and returns false; in grading mode
     * ({@link Course#grading()}) throws {@link CheckFailed} with that line instead, so that nbgrader
     * scores the check cell 0. Say what is wrong and give a hint, never the answer.
     */
    public static boolean fail(String message) {
        if (Course.grading()) throw new CheckFailed("✗ " + message);
        System.out.println("✗ " + message);
        return false;
    }

    private static String tensorProblem(String what, Tensor got, Tensor want) {
        if (got == null) return what + " is null";
        if (!Arrays.equals(got.shape(), want.shape())) {
            return what + " has shape " + Compare.shape(got) + " but should have shape " + Compare.shape(want);
        }
        Diff d = Compare.diff(got.toArray(), want.toArray());
        return d.same() ? null : what + ": " + d.describe(Where.flat(want.shape()));
    }

    private static boolean matches(double[] got, java.util.function.IntToDoubleFunction candidate, int n) {
        for (int i = 0; i < n; i++) if (!Compare.close(got[i], candidate.applyAsDouble(i))) return false;
        return true;
    }

    private static Where batchNames(List<Tensor> batches) {
        return k -> "batch " + (k + 1) + " of " + batches.size() + " (scores " + Compare.shape(batches.get(k)) + ")";
    }

    private static String brief(Tensor x) {
        return x.size() <= 6 ? Arrays.toString(x.toArray()) : Compare.shape(x);
    }

    /** The op names a connection is computed with. */
    private static Set<String> opsBehind(Connection c) {
        Set<String> ops = new HashSet<>();
        for (Connection x : behind(c)) if (x.producer() != null) ops.add(x.producer().op());
        return ops;
    }

    /** The connection and every connection it is computed from. */
    private static Set<Connection> behind(Connection c) {
        Set<Connection> seen = new HashSet<>();
        List<Connection> todo = new ArrayList<>(List.of(c));
        while (!todo.isEmpty()) {
            Connection x = todo.remove(todo.size() - 1);
            if (!seen.add(x) || x.producer() == null) continue;
            todo.addAll(x.producer().inputs());
        }
        return seen;
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
