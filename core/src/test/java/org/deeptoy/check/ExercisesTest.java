package org.deeptoy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.data.Dataset;
import org.deeptoy.data.Split;
import org.deeptoy.nn.FitOptions;
import org.deeptoy.nn.History;
import org.deeptoy.nn.Mlp;
import org.deeptoy.optim.Sgd;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** Each check accepts the right answer and rejects typical wrong ones with the right explanation. */
class ExercisesTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void capture() {
        original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    /** Runs a check, asserts its verdict, and returns the one line it printed. */
    private String verdict(boolean expected, BooleanSupplier check) {
        captured.reset();
        boolean ok = check.getAsBoolean();
        String out = captured.toString(StandardCharsets.UTF_8).strip();
        assertEquals(expected, ok, out);
        assertEquals(1, out.lines().count(), "one line per check: " + out);
        assertTrue(out.startsWith(expected ? "✓ " : "✗ "), out);
        return out;
    }

    private void rejects(String expectedPhrase, BooleanSupplier check) {
        String out = verdict(false, check);
        assertTrue(out.contains(expectedPhrase), "expected \"" + expectedPhrase + "\" in: " + out);
    }

    // ---- notebook 1 ----

    @Test
    void firstTensorAcceptsOneToSixAndExplainsShapeMistakes() {
        verdict(true, () -> Exercises.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6})));
        rejects("rows and columns are swapped", () -> Exercises.firstTensor(
                Tensor.matrix(new double[] {1, 4}, new double[] {2, 5}, new double[] {3, 6})));
        rejects("1-d", () -> Exercises.firstTensor(Tensor.vector(1, 2, 3, 4, 5, 6)));
        rejects("index [1, 2] you have 7 but 6 is right",
                () -> Exercises.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 7})));
        rejects("is null", () -> Exercises.firstTensor(null));
    }

    @Test
    void rowMeansAcceptsMeansAndExplainsSumsAndAxes() {
        verdict(true, () -> Exercises.rowMeans(x -> {
            double[] m = new double[x.dim(0)];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < x.dim(1); j++) m[i] += x.get(i, j) / x.dim(1);
            }
            return Tensor.vector(m);
        }));
        rejects("you summed each row", () -> Exercises.rowMeans(x -> {
            double[] m = new double[x.dim(0)];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < x.dim(1); j++) m[i] += x.get(i, j);
            }
            return Tensor.vector(m);
        }));
        rejects("you averaged the columns (axis 0)", () -> Exercises.rowMeans(x -> {
            double[] m = new double[x.dim(1)];
            for (int j = 0; j < m.length; j++) {
                for (int i = 0; i < x.dim(0); i++) m[j] += x.get(i, j) / x.dim(0);
            }
            return Tensor.vector(m);
        }));
        rejects("returned null", () -> Exercises.rowMeans(x -> null));
        rejects("your code threw UnsupportedOperationException: write this", () -> Exercises.rowMeans(x -> {
            throw new UnsupportedOperationException("write this");
        }));
    }

    // ---- notebook 2 ----

    @Test
    void firstGraphAcceptsSumThenMultiply() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection right = cg.multiply(cg.sum(cg.constant(2), cg.constant(3)), cg.constant(4));
        verdict(true, () -> Exercises.firstGraph(cg, right));

        ComputationalGraph precedence = new ComputationalGraph();
        Connection wrong = precedence.sum(precedence.constant(2), precedence.multiply(precedence.constant(3), precedence.constant(4)));
        rejects("2 + 3 × 4 = 14", () -> Exercises.firstGraph(precedence, wrong));

        ComputationalGraph lazy = new ComputationalGraph();
        rejects("not the output of an operation", () -> Exercises.firstGraph(lazy, lazy.constant(20)));
        rejects("another graph", () -> Exercises.firstGraph(new ComputationalGraph(), right));
    }

    @Test
    void polynomialAcceptsTheGraphAndRejectsIgnoringX() {
        verdict(true, () -> Exercises.polynomial((cg, x) ->
                cg.sum(cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(3), x)), cg.constant(1))));
        rejects("whatever x is", () -> Exercises.polynomial((cg, x) -> cg.sum(cg.constant(2), cg.constant(3))));
        rejects("off by a constant: yours are the right values - 1", () -> Exercises.polynomial((cg, x) ->
                cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(3), x))));
        rejects("at x = -2 you have 1 but -1 is right", () -> Exercises.polynomial((cg, x) ->
                cg.sum(cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(2), x)), cg.constant(1))));
        rejects("your builder returned null", () -> Exercises.polynomial((cg, x) -> null));
        rejects("running your graph failed: forward: input y was not fed",
                () -> Exercises.polynomial((cg, x) -> cg.sum(x, cg.input("y"))));
    }

    // ---- notebook 3 ----

    @Test
    void sigmoidBackwardAcceptsTheFormulaAndPassesTheGradientCheck() {
        String ok = verdict(true, () -> Exercises.sigmoidBackward((x, y, dy) -> dy * y * (1 - y)));
        assertTrue(ok.contains("gradient check"), ok);
    }

    @Test
    void sigmoidBackwardExplainsSignFactorAndMixUps() {
        rejects("the sign is wrong", () -> Exercises.sigmoidBackward((x, y, dy) -> -dy * y * (1 - y)));
        rejects("off by a constant factor: yours are 2 ×", () -> Exercises.sigmoidBackward((x, y, dy) -> 2 * dy * y * (1 - y)));
        rejects("you used x where the formula needs y", () -> Exercises.sigmoidBackward((x, y, dy) -> dy * x * (1 - x)));
        rejects("forgot the incoming gradient", () -> Exercises.sigmoidBackward((x, y, dy) -> y * (1 - y)));
        rejects("all your values are 0", () -> Exercises.sigmoidBackward((x, y, dy) -> 0));
        rejects("NaN", () -> Exercises.sigmoidBackward((x, y, dy) -> dy * y * (1 - y) * Math.log(x)));
        rejects("your code threw ArithmeticException: / by zero", () -> Exercises.sigmoidBackward((x, y, dy) -> 1 / (int) x));
    }

    @Test
    void chainRuleAcceptsHandGradientsAndNamesTheWrongOne() {
        verdict(true, () -> Exercises.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * b, 2 * v * a, 2 * v};
        }));
        rejects("dL/da is wrong: off by a constant factor: yours are 1/2 ×", () -> Exercises.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {v * b, v * a, v};
        }));
        rejects("forget a factor 2", () -> Exercises.chainRule((a, b, c) -> new double[] {(a * b + c) * b, (a * b + c) * a, a * b + c}));
        rejects("dL/db is wrong: the sign is wrong", () -> Exercises.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * b, -2 * v * a, 2 * v};
        }));
        rejects("you have dL/db's value", () -> Exercises.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * a, 2 * v * a, 2 * v};
        }));
        rejects("new double[] {dLda, dLdb, dLdc}", () -> Exercises.chainRule((a, b, c) -> new double[2]));
    }

    @Test
    void broadcastGradientAcceptsSumOverRowsAndExplainsShapeAndMean() {
        verdict(true, () -> Exercises.broadcastGradient(dy -> sumRows(dy, 1)));
        rejects("your gradient has y's shape [4, 3], but b has shape [3]", () -> Exercises.broadcastGradient(dy -> dy));
        rejects("you averaged dy over the rows", () -> Exercises.broadcastGradient(dy -> sumRows(dy, 1.0 / dy.dim(0))));
        rejects("summed along the rows' length (axis 1)", () -> Exercises.broadcastGradient(dy -> {
            double[] s = new double[dy.dim(0)];
            for (int i = 0; i < dy.dim(0); i++) for (int j = 0; j < dy.dim(1); j++) s[i] += dy.get(i, j);
            return Tensor.vector(s);
        }));
    }

    private static Tensor sumRows(Tensor dy, double scale) {
        double[] s = new double[dy.dim(1)];
        for (int i = 0; i < dy.dim(0); i++) for (int j = 0; j < dy.dim(1); j++) s[j] += scale * dy.get(i, j);
        return Tensor.vector(s);
    }

    // ---- losses and optimizers ----

    @Test
    void multiclassHingeAcceptsTheMeanAndExplainsCommonMistakes() {
        verdict(true, () -> Exercises.multiclassHinge((s, y) -> hinge(s, y, true, false)));
        rejects("you summed over the batch", () -> Exercises.multiclassHinge((s, y) -> hinge(s, y, false, false)));
        rejects("you included the correct class", () -> Exercises.multiclassHinge((s, y) -> hinge(s, y, true, true)));
        rejects("your code threw ArrayIndexOutOfBoundsException",
                () -> Exercises.multiclassHinge((s, y) -> s.get(0, y[y.length]) ));
    }

    private static double hinge(Tensor s, int[] y, boolean mean, boolean includeCorrect) {
        double total = 0;
        for (int i = 0; i < s.dim(0); i++) {
            for (int j = 0; j < s.dim(1); j++) {
                if (j != y[i] || includeCorrect) total += Math.max(0, s.get(i, j) - s.get(i, y[i]) + 1);
            }
        }
        return mean ? total / s.dim(0) : total;
    }

    @Test
    void softmaxCrossEntropyAcceptsStableMathAndExplainsOverflow() {
        verdict(true, () -> Exercises.softmaxCrossEntropy((z, y) -> crossEntropy(z, y, true)));
        rejects("which number keeps every exp small", () -> Exercises.softmaxCrossEntropy((z, y) -> crossEntropy(z, y, false)));
        rejects("the sign is wrong", () -> Exercises.softmaxCrossEntropy((z, y) -> -crossEntropy(z, y, true)));
    }

    private static double crossEntropy(Tensor z, int[] y, boolean stable) {
        double total = 0;
        for (int i = 0; i < z.dim(0); i++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < z.dim(1); j++) max = Math.max(max, z.get(i, j));
            if (!stable) max = 0;
            for (int j = 0; j < z.dim(1); j++) s += Math.exp(z.get(i, j) - max);
            total += -(z.get(i, y[i]) - max - Math.log(s));
        }
        return total / z.dim(0);
    }

    @Test
    void sgdStepAcceptsDescentAndExplainsAscentAndInPlace() {
        verdict(true, () -> Exercises.sgdStep((w, g, lr) -> axpy(w, g, -lr)));
        rejects("your step moves up the gradient", () -> Exercises.sgdStep((w, g, lr) -> axpy(w, g, lr)));
        rejects("you forgot the learning rate", () -> Exercises.sgdStep((w, g, lr) -> axpy(w, g, -1)));
        rejects("changed w in place", () -> Exercises.sgdStep((w, g, lr) -> {
            double[] d = w.data();
            for (int i = 0; i < d.length; i++) d[i] -= lr * g.data()[i];
            return w;
        }));
        rejects("but w has shape [3, 2]", () -> Exercises.sgdStep((w, g, lr) -> axpy(w, g, -lr).reshape(-1)));
    }

    @Test
    void batchNormAcceptsColumnsAndExplainsRowsAndUnbiasedVariance() {
        verdict(true, () -> Exercises.batchNorm(x -> normalise(x, false, 0)));
        rejects("you normalised each row", () -> Exercises.batchNorm(x -> normalise(x, true, 0)));
        rejects("divides the squared deviations by N - 1", () -> Exercises.batchNorm(x -> normalise(x, false, 1)));
    }

    /** Each column (or row) of x minus its mean over its standard deviation; ddof 1 for the unbiased variance. */
    private static Tensor normalise(Tensor x, boolean rows, int ddof) {
        int n = x.dim(0), c = x.dim(1), groups = rows ? n : c, count = rows ? c : n;
        double[] v = x.toArray(), mean = new double[groups], var = new double[groups], r = new double[v.length];
        for (int i = 0; i < v.length; i++) mean[rows ? i / c : i % c] += v[i] / count;
        for (int i = 0; i < v.length; i++) var[rows ? i / c : i % c] += Math.pow(v[i] - mean[rows ? i / c : i % c], 2) / (count - ddof);
        for (int i = 0; i < v.length; i++) r[i] = (v[i] - mean[rows ? i / c : i % c]) / Math.sqrt(var[rows ? i / c : i % c] + 1e-5);
        return Tensor.wrap(r, n, c);
    }

    private static Tensor axpy(Tensor w, Tensor g, double a) {
        double[] r = w.toArray();
        for (int i = 0; i < r.length; i++) r[i] += a * g.get(w.unravel(i));
        return Tensor.wrap(r, w.shape());
    }

    // ---- notebook 7c: vectorization ----

    @Test
    void distancesLoopAcceptsSquaredDistancesAndExplainsMistakes() {
        verdict(true, () -> Exercises.distancesLoop((a, b) -> loopDistances(a, b, false)));
        rejects("no square root", () -> Exercises.distancesLoop((a, b) -> loopDistances(a, b, true)));
        rejects("rows and columns are swapped", () -> Exercises.distancesLoop((a, b) -> loopDistances(b, a, false)));
        rejects("should have 3 rows of 5 numbers", () -> Exercises.distancesLoop((a, b) -> new double[3][2]));
    }

    @Test
    void distancesAcceptsTheExpandedSquareAndExplainsMistakes() {
        verdict(true, () -> Exercises.distances((cg, a, b) -> expanded(cg, a, b, -2)));
        rejects("the cross term a·b has the wrong sign", () -> Exercises.distances((cg, a, b) -> expanded(cg, a, b, 2)));
        rejects("the cross term a·b has the wrong factor", () -> Exercises.distances((cg, a, b) -> expanded(cg, a, b, -1)));
        rejects("should have shape [3, 5]", () -> Exercises.distances((cg, a, b) -> cg.reduceSum(cg.matrixMultiply(a, cg.transpose(b)), 1)));
        rejects("rows and columns are swapped", () -> Exercises.distances((cg, a, b) -> expanded(cg, b, a, -2)));
        rejects("not computed from b", () -> Exercises.distances((cg, a, b) -> cg.matrixMultiply(a, cg.transpose(a))));
    }

    private static double[][] loopDistances(double[][] a, double[][] b, boolean root) {
        double[][] d = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                for (int k = 0; k < a[i].length; k++) d[i][j] += (a[i][k] - b[j][k]) * (a[i][k] - b[j][k]);
                if (root) d[i][j] = Math.sqrt(d[i][j]);
            }
        }
        return d;
    }

    private static Connection expanded(ComputationalGraph cg, Connection a, Connection b, double cross) {
        Connection aa = cg.reduceSum(cg.square(a), 1, true), bb = cg.reduceSum(cg.square(b), 1);
        Connection ab = cg.multiply(cg.constant(Tensor.scalar(cross)), cg.matrixMultiply(a, cg.transpose(b)));
        return cg.sum(cg.sum(aa, bb), ab);
    }

    // ---- the general checks and quick mode ----

    @Test
    void generalChecksCompareShapesAndNumbers() {
        verdict(true, () -> Exercises.tensor("W", Tensor.zeros(2, 2), Tensor.zeros(2, 2)));
        rejects("W has shape [4] but should have shape [2, 2]", () -> Exercises.tensor("W", Tensor.zeros(4), Tensor.zeros(2, 2)));
        verdict(true, () -> Exercises.number("accuracy", 0.5, 0.5));
        rejects("off by a constant: yours are the right values + 1", () -> Exercises.tensor("b",
                Tensor.vector(2, 3, 4), Tensor.vector(1, 2, 3)));
    }

    /** An op whose backward is off by a factor of 3, as a student's own op might be. */
    private static final class Tripled extends org.deeptoy.graph.Node {
        Tripled() {
            super("tripledSquare");
        }

        @Override
        protected Tensor forward(Tensor[] x) {
            double[] v = x[0].toArray();
            for (int i = 0; i < v.length; i++) v[i] *= v[i];
            return Tensor.wrap(v, x[0].shape());
        }

        @Override
        protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
            double[] d = new double[x[0].size()];
            for (int i = 0; i < d.length; i++) d[i] = 6 * x[0].data()[i] * dy.data()[i];
            return new Tensor[] {Tensor.wrap(d, x[0].shape())};
        }
    }

    @Test
    void gradientsPassesTheEnginesOpsAndNamesAWrongBackward() {
        ComputationalGraph good = new ComputationalGraph();
        Connection w = good.variable(Tensor.vector(0.5, -1, 2), "w");
        Connection loss = good.reduceSum(good.square(w));
        verdict(true, () -> Exercises.gradients("square", good, loss, null));

        ComputationalGraph bad = new ComputationalGraph();
        Connection v = bad.variable(Tensor.vector(0.5, -1, 2), "v");
        Connection badLoss = bad.reduceSum(bad.add(new Tripled(), "mine", v));
        rejects("backward disagrees with finite differences at v[", () -> Exercises.gradients("my op", bad, badLoss, null));
    }

    @Test
    void quickModeReadsTheSystemPropertyAndCommonSpellings() {
        assertTrue(Course.isOn("1"));
        assertTrue(Course.isOn(" TRUE "));
        assertFalse(Course.isOn("0"));
        assertFalse(Course.isOn(null));
        String old = System.getProperty("deeptoy.quick");
        try {
            System.setProperty("deeptoy.quick", "1");
            assertEquals(2, Course.pick(20, 2));
            System.setProperty("deeptoy.quick", "0");
            assertEquals(20, Course.pick(20, 2));
        } finally {
            if (old == null) System.clearProperty("deeptoy.quick");
            else System.setProperty("deeptoy.quick", old);
        }
    }

    /** In grading mode a failed check throws its ✗ line (nbgrader scores an error 0) and a passed one prints ✓. */
    @Test
    void gradingModeThrowsTheFailureInsteadOfPrintingIt() {
        System.setProperty("deeptoy.grade", "1");
        try {
            CheckFailed e = org.junit.jupiter.api.Assertions.assertThrows(CheckFailed.class,
                    () -> Exercises.firstTensor(Tensor.vector(1, 2, 3, 4, 5, 6)));
            assertTrue(e.getMessage().startsWith("✗ your tensor is 1-d"), e.getMessage());
            assertEquals("", captured.toString(StandardCharsets.UTF_8));
            verdict(true, () -> Exercises.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6})));
        } finally {
            System.clearProperty("deeptoy.grade");
        }
    }

    // ---- notebook 6b ----

    /** The notebook's answer: the first epoch with the best accuracy so far, and the epoch it stops at. */
    private static int[] earlyStop(double[] acc, int patience) {
        int best = 0, since = 0;
        for (int e = 1; e < acc.length; e++) {
            if (acc[e] > acc[best]) {
                best = e;
                since = 0;
            } else if (++since >= patience) {
                return new int[] {best + 1, e + 1};
            }
        }
        return new int[] {best + 1, acc.length};
    }

    /** A real early-stopped run: a small MLP on three noisy blobs, validated on half of them. */
    private static History earlyStoppedRun() {
        java.util.Random r = new java.util.Random(13);
        double[] x = new double[120 * 2];
        int[] y = new int[120];
        for (int k = 0; k < y.length; k++) {
            y[k] = k % 3;
            x[2 * k] = 3 * y[k] + 1.5 * r.nextGaussian();
            x[2 * k + 1] = r.nextGaussian();
        }
        Split s = new Dataset("blobs", Tensor.wrap(x, y.length, 2), y, java.util.List.of("a", "b", "c")).split(0.5, 1);
        Mlp mlp = Mlp.builder().layers(2, 16, 3).seed(2).build();
        return mlp.fit(s.train(), new FitOptions().epochs(40).batchSize(8).verbose(false).seed(3)
                .optimizer(new Sgd(0.5)).validation(s.test()).earlyStopping(3));
    }

    @Test
    void earlyStopAcceptsTheRuleAndHintsWithoutTheAnswer() {
        History run = earlyStoppedRun();
        assertTrue(run.bestEpoch() >= 1, run.toString());
        String ok = verdict(true, () -> Exercises.earlyStop(ExercisesTest::earlyStop, run, 3));
        assertTrue(ok.contains("kept epoch " + run.bestEpoch()), ok);
        rejects("count from 0", () -> Exercises.earlyStop((a, p) -> {
            int[] e = earlyStop(a, p);
            return new int[] {e[0] - 1, e[1] - 1};
        }, run, 3));
        rejects("an equal accuracy is not a new best", () -> Exercises.earlyStop((a, p) -> {
            int best = 0, since = 0; // >= : a tie counts as a new best
            for (int e = 1; e < a.length; e++) {
                if (a[e] >= a[best]) {
                    best = e;
                    since = 0;
                } else if (++since >= p) {
                    return new int[] {best + 1, e + 1};
                }
            }
            return new int[] {best + 1, a.length};
        }, run, 3));
        rejects("your run goes to the end", () -> Exercises.earlyStop((a, p) -> new int[] {earlyStop(a, p)[0], a.length}, run, 3));
        rejects("stops too early", () -> Exercises.earlyStop((a, p) -> {
            int[] e = earlyStop(a, p);
            return new int[] {e[0], Math.max(e[0], e[1] - 1)};
        }, run, 3));
        String unsolved = verdict(false, () -> Exercises.earlyStop((a, p) -> new int[] {0, 0}, run, 3));
        assertFalse(unsolved.contains("[3, 5]") || unsolved.contains("{3, 5}"), "no answer in the hint: " + unsolved);
        // right on the hand-made cases, wrong on fit's own accuracies
        rejects("on fit's run above", () -> Exercises.earlyStop((a, p) -> java.util.Arrays.equals(a, run.validationAccuracy())
                ? new int[] {run.bestEpoch() + 1, run.epochs().size() + 1} : earlyStop(a, p), run, 3));
    }
}
