package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Notebook 4c's exercises: the multiclass hinge loss over a batch with its gradient, written with loops,
 * and the softmax cross-entropy over a batch with its gradient, written with whole-tensor ops. Both are
 * compared with the engine's loss op (its forward, and its backward through {@link SimulationContext}) and
 * the student's gradient with finite differences of the student's own loss, on seeded random batches.
 */
public final class LossesByHandChecks {
    private LossesByHandChecks() {}

    /** The mean loss of a batch of scores {@code s[i][j]} with labels {@code y[i]}; fills {@code ds} (zeros) with dL/ds. */
    @FunctionalInterface
    public interface LoopLoss {
        double of(double[][] s, int[] y, double[][] ds);
    }

    /** {loss, dL/ds} built in {@code cg} from the scores {@code s} [n, k] and the one-hot labels [n, k]. */
    @FunctionalInterface
    public interface TensorLoss {
        Connection[] build(ComputationalGraph cg, Connection s, Connection onehot, int n);
    }

    private static final int BATCHES = 6;
    private static final double H = 1e-5; // finite-difference step

    /** The engine's loss and dL/ds for scores S and labels y: {loss} and the gradient. */
    private record Engine(double loss, double[] ds) {
        static Engine of(Tensor scores, int[] y, boolean hinge) {
            ComputationalGraph g = new ComputationalGraph();
            Connection s = g.variable(scores, "s");
            Connection labels = g.constant(Tensor.vector(Arrays.stream(y).asDoubleStream().toArray()), "labels");
            Connection loss = hinge ? g.multiclassHinge(s, labels) : g.softmaxCrossEntropy(s, labels);
            SimulationContext ctx = new SimulationContext().forward(g).backward(g, loss);
            return new Engine(ctx.value(loss).item(), ctx.gradient(s).toArray());
        }
    }

    /** Exercise: the hinge loss of a batch and dL/ds with loops, against cg.multiclassHinge and finite differences. */
    public static boolean hingeLoss(LoopLoss f) {
        Random r = cases();
        for (int t = 0; t < BATCHES; t++) {
            int n = 2 + r.nextInt(6), k = 3 + r.nextInt(4);
            double[][] s = scores(r, n, k, 0);
            int[] y = labels(r, n, k);
            Engine want = Engine.of(tensor(s), y, true);
            String on = " (for a batch of " + n + " examples and " + k + " classes)";
            double[][] arg = copy(s), ds = new double[n][k];
            Outcome<Double> o = attempt(() -> f.of(arg, y.clone(), ds));
            if (o.failed()) return fail(o.problem() + on);
            if (!Arrays.deepEquals(arg, s)) return fail("your code changed the scores s: compute the loss without writing into s" + on);
            double got = o.value();
            if (!Compare.close(got, want.loss())) {
                if (got == 0) return fail("your loss is 0 where it is not: is the code written yet?" + on);
                if (Compare.close(got, want.loss() + 1)) {
                    return fail("your loss is 1 too high: one term is counted that should not be (which j always adds"
                            + " exactly 1 to an example's loss?)" + on);
                }
                if (Compare.close(got, want.loss() * n)) {
                    return fail("your loss is " + n + " times the right one, the batch size: L is the mean of the"
                            + " examples' losses, not their sum" + on);
                }
                if (Compare.close(got, -want.loss())) return fail("the sign of your loss is wrong: a hinge loss is never negative" + on);
                return fail("your loss: each wrong class j costs how far its score comes within the margin 1 of the"
                        + " label's score, and L averages that over the batch" + on);
            }
            String p = gradientProblem(flat(ds), want.ds(), n, k, y, "fill ds[i][j]");
            if (p != null) return fail(p + on);
            String fd = finiteDifferences(s, flat(ds), (i, v) -> {
                double[][] moved = copy(s);
                moved[i / k][i % k] = v;
                return f.of(moved, y.clone(), new double[n][k]);
            });
            if (fd != null) return fail(fd + on);
        }
        return pass("hingeLoop's loss and dL/ds match cg.multiclassHinge's forward and backward and the finite"
                + " differences of your loss, on " + BATCHES + " random batches");
    }

    /** Exercise: softmax cross-entropy of a batch and dL/ds with whole-tensor ops, against cg.softmaxCrossEntropy. */
    public static boolean softmaxLoss(TensorLoss f) {
        Random r = cases();
        for (int t = 0; t < BATCHES; t++) {
            boolean large = t == BATCHES - 1;
            int n = 2 + r.nextInt(6), k = 3 + r.nextInt(4);
            double[][] s = scores(r, n, k, large ? 1000 : 0);
            int[] y = labels(r, n, k);
            Engine want = Engine.of(tensor(s), y, false);
            String on = " (for a batch of " + n + " examples and " + k + " classes" + (large ? ", scores near 1000)" : ")");
            ComputationalGraph cg = new ComputationalGraph();
            Connection in = cg.input("s"), onehot = cg.constant(onehot(y, k), "onehot");
            Outcome<Connection[]> built = attempt(() -> f.build(cg, in, onehot, n));
            if (built.failed()) return fail("building your graph: " + built.problem() + on);
            Connection[] out = built.value();
            if (out == null || out.length != 2 || out[0] == null || out[1] == null) {
                return fail("return two connections, {loss, dL/ds}" + on);
            }
            Set<String> used = opsBehind(out[0]);
            used.addAll(opsBehind(out[1]));
            for (String op : new String[] {"softmaxCrossEntropy", "softmax", "logSoftmax"}) {
                if (used.contains(op)) {
                    return fail("your graph uses cg." + op + ": write the softmax yourself, from exp, sums and the"
                            + " largest score of each row");
                }
            }
            Tensor scores = tensor(s);
            Outcome<Tensor[]> run = attempt(() -> values(cg, in, scores, out), "");
            if (run.failed()) return fail("your graph: " + run.problem() + on);
            Tensor loss = run.value()[0], ds = run.value()[1];
            if (loss.size() != 1) {
                return fail("your loss has shape " + Compare.shape(loss) + ": the loss of a batch is one number, the mean"
                        + " over its examples" + on);
            }
            if (!Arrays.equals(ds.shape(), new int[] {n, k})) {
                return fail("your dL/ds has shape " + Compare.shape(ds) + "; it has the scores' shape [" + n + ", " + k + "]" + on);
            }
            double got = loss.item();
            if (!Double.isFinite(got) || firstNonFinite(ds.toArray()) >= 0) {
                return fail((large ? "it overflows for large scores: exp(710) is already infinite in doubles, and softmax"
                        + " does not change when one number is subtracted from every score of a row"
                        : "your result has NaN or infinity (check for log(0), 0/0 or exp of a large number)") + on);
            }
            if (!Compare.close(got, want.loss())) {
                if (got == 0) return fail("your loss is 0 where it is not: is the code written yet?" + on);
                if (Compare.close(got, want.loss() * n)) {
                    return fail("your loss is " + n + " times the right one, the batch size: L is the mean of the"
                            + " examples' losses, not their sum" + on);
                }
                if (Compare.close(got, -want.loss())) return fail("the sign of your loss is wrong: a cross-entropy is never negative" + on);
                return fail("your loss: each example costs minus the log of its label's softmax probability, and L"
                        + " averages that over the batch" + on);
            }
            String p = gradientProblem(ds.toArray(), want.ds(), n, k, y, "build dL/ds");
            if (p != null) return fail(p + on);
            String fd = finiteDifferences(s, ds.toArray(), (i, v) -> {
                double[] moved = scores.toArray();
                moved[i] = v;
                return values(cg, in, Tensor.wrap(moved, n, k), out[0])[0].item();
            });
            if (fd != null) return fail(fd + on);
        }
        return pass("softmaxTensor's loss and dL/ds match cg.softmaxCrossEntropy's forward and backward and the finite"
                + " differences of your loss, on " + BATCHES + " random batches, also for scores near 1000");
    }

    /** What is wrong with a gradient, the typical mistakes first; null when it is right. */
    private static String gradientProblem(double[] got, double[] want, int n, int k, int[] y, String todo) {
        Diff d = Compare.diff(got, want);
        if (d.same()) return null;
        Where at = i -> "example " + i / k + ", class " + i % k + (i % k == y[i / k] ? " (its label)" : "");
        return switch (d.kind()) {
            case ZERO -> "your dL/ds is all 0: " + todo + " with the derivative of the loss with respect to each score";
            case SIGN -> "the sign of your dL/ds is wrong: raising a wrong class's score cannot lower this loss";
            case FACTOR -> Compare.close(d.factor(), n)
                    ? "your dL/ds is " + n + " times the right one, the batch size: the loss is a mean over the batch, and"
                    + " so is each example's share of the gradient"
                    : "your dL/ds is off by a constant factor: " + d.describe(at);
            default -> labelColumnOnly(got, want, k, y)
                    ? "your dL/ds is right for the wrong classes but not for each example's label: the label's score"
                    + " appears in every term of that example's loss"
                    : "your dL/ds: " + d.describe(at) + "; derive each score's share from the formula of the loss";
        };
    }

    /** Whether got differs from want only in the label's column of each example. */
    private static boolean labelColumnOnly(double[] got, double[] want, int k, int[] y) {
        for (int i = 0; i < got.length; i++) {
            if (i % k != y[i / k] && !Compare.close(got[i], want[i])) return false;
        }
        return true;
    }

    /** The loss with one score moved: (flat index, new value) to loss. */
    @FunctionalInterface
    private interface Moved {
        double loss(int index, double value) throws Exception;
    }

    /** Central differences of the student's own loss against their dL/ds, every score; null when they agree. */
    private static String finiteDifferences(double[][] s, double[] ds, Moved loss) {
        int k = s[0].length;
        for (int i = 0; i < ds.length; i++) {
            double v = s[i / k][i % k];
            int at = i;
            Outcome<Double> up = attempt(() -> loss.loss(at, v + H)), down = attempt(() -> loss.loss(at, v - H));
            if (up.failed() || down.failed()) return "finite differences of your loss: " + (up.failed() ? up.problem() : down.problem());
            double numeric = (up.value() - down.value()) / (2 * H);
            if (Math.abs(numeric - ds[i]) > 1e-4 * Math.max(1, Math.abs(numeric))) {
                return "your dL/ds at example " + i / k + ", class " + i % k + " disagrees with the finite differences of"
                        + " your own loss (" + Compare.fmt(ds[i]) + " against " + Compare.fmt(numeric) + ")";
            }
        }
        return null;
    }

    private static Tensor[] values(ComputationalGraph cg, Connection in, Tensor scores, Connection... out) {
        SimulationContext ctx = new SimulationContext().checkFinite(false).forward(cg, Map.of(in, scores), out);
        Tensor[] v = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) v[i] = ctx.value(out[i]);
        return v;
    }

    /** Scores N(0, 2²) plus {@code shift}, not rounded: no margin lands on its kink at 0. */
    private static double[][] scores(Random r, int n, int k, double shift) {
        double[][] s = new double[n][k];
        for (double[] row : s) for (int j = 0; j < k; j++) row[j] = shift + 2 * r.nextGaussian();
        return s;
    }

    private static int[] labels(Random r, int n, int k) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(k);
        return y;
    }

    /** The labels as rows of 0s with a 1 at the label: [n, k]. */
    static Tensor onehot(int[] y, int k) {
        double[] v = new double[y.length * k];
        for (int i = 0; i < y.length; i++) v[i * k + y[i]] = 1;
        return Tensor.wrap(v, y.length, k);
    }

    private static Tensor tensor(double[][] s) {
        return Tensor.wrap(flat(s), s.length, s[0].length);
    }

    private static double[] flat(double[][] s) {
        double[] v = new double[s.length * s[0].length];
        for (int i = 0; i < s.length; i++) System.arraycopy(s[i], 0, v, i * s[0].length, s[0].length);
        return v;
    }

    private static double[][] copy(double[][] s) {
        double[][] c = new double[s.length][];
        for (int i = 0; i < s.length; i++) c[i] = s[i].clone();
        return c;
    }

    private static int firstNonFinite(double[] v) {
        for (int i = 0; i < v.length; i++) if (!Double.isFinite(v[i])) return i;
        return -1;
    }
}
