package org.deeptoy.course;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Each check accepts the right answer and rejects typical wrong ones with the right explanation. */
class ChecksTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void capture() {
        System.setProperty("deeptoy.check.seed", "7"); // the cases each check draws, fixed for the test
        original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.clearProperty("deeptoy.check.seed");
        System.setOut(original);
    }

    /** Runs a check, asserts its verdict, and returns the one line it printed. */
    private String verdict(boolean expected, BooleanSupplier check) {
        return verdict(expected, check, null);
    }

    /**
     * The same on the cases of 10 seeds (each check draws new cases every run, and a verdict or a hint
     * must not depend on which), asserting the phrase in every ✗ line when one is given.
     */
    private String verdict(boolean expected, BooleanSupplier check, String phrase) {
        String out = "";
        boolean fixed = System.getProperty("deeptoy.check.seed") != null;
        for (int seed = 1; seed <= (fixed ? 10 : 1); seed++) {
            if (fixed) System.setProperty("deeptoy.check.seed", String.valueOf(seed));
            captured.reset();
            boolean ok = check.getAsBoolean();
            out = captured.toString(StandardCharsets.UTF_8).strip();
            assertEquals(expected, ok, "seed " + seed + ": " + out);
            assertEquals(1, out.lines().count(), "one line per check: " + out);
            assertTrue(out.startsWith(expected ? "✓ " : "✗ "), out);
            if (phrase != null) assertTrue(out.contains(phrase), "seed " + seed + ": expected \"" + phrase + "\" in: " + out);
        }
        return out;
    }

    private void rejects(String expectedPhrase, BooleanSupplier check) {
        verdict(false, check, expectedPhrase);
    }

    // ---- notebook 1 ----

    @Test
    void firstTensorAcceptsOneToSixAndExplainsShapeMistakes() {
        verdict(true, () -> TourChecks.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}), null));
        rejects("rows and columns are swapped", () -> TourChecks.firstTensor(
                Tensor.matrix(new double[] {1, 4}, new double[] {2, 5}, new double[] {3, 6}), null));
        rejects("1-d", () -> TourChecks.firstTensor(Tensor.vector(1, 2, 3, 4, 5, 6), null));
        rejects("at index [1, 2] your 7 is not right",
                () -> TourChecks.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 7}), null));
        rejects("is null", () -> TourChecks.firstTensor(null, null));
    }

    @Test
    void rowMeansAcceptsMeansAndExplainsSumsAndAxes() {
        verdict(true, () -> TourChecks.rowMeans(x -> {
            double[] m = new double[x.dim(0)];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < x.dim(1); j++) m[i] += x.get(i, j) / x.dim(1);
            }
            return Tensor.vector(m);
        }));
        rejects("you summed each row", () -> TourChecks.rowMeans(x -> {
            double[] m = new double[x.dim(0)];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < x.dim(1); j++) m[i] += x.get(i, j);
            }
            return Tensor.vector(m);
        }));
        rejects("you averaged the columns (axis 0)", () -> TourChecks.rowMeans(x -> {
            double[] m = new double[x.dim(1)];
            for (int j = 0; j < m.length; j++) {
                for (int i = 0; i < x.dim(0); i++) m[j] += x.get(i, j) / x.dim(0);
            }
            return Tensor.vector(m);
        }));
        rejects("returned null", () -> TourChecks.rowMeans(x -> null));
        rejects("your code threw UnsupportedOperationException: write this", () -> TourChecks.rowMeans(x -> {
            throw new UnsupportedOperationException("write this");
        }));
    }

    // ---- notebook 2 ----

    @Test
    void firstGraphAcceptsSumThenMultiply() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection right = cg.multiply(cg.sum(cg.constant(2), cg.constant(3)), cg.constant(4));
        verdict(true, () -> GraphChecks.firstGraph(cg, right));

        ComputationalGraph precedence = new ComputationalGraph();
        Connection wrong = precedence.sum(precedence.constant(2), precedence.multiply(precedence.constant(3), precedence.constant(4)));
        rejects("2 + 3 × 4 = 14", () -> GraphChecks.firstGraph(precedence, wrong));

        ComputationalGraph lazy = new ComputationalGraph();
        rejects("not the output of an operation", () -> GraphChecks.firstGraph(lazy, lazy.constant(20)));
        rejects("another graph", () -> GraphChecks.firstGraph(new ComputationalGraph(), right));
    }

    @Test
    void polynomialAcceptsTheGraphAndRejectsIgnoringX() {
        verdict(true, () -> GraphChecks.polynomial((cg, x) ->
                cg.sum(cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(3), x)), cg.constant(1))));
        rejects("whatever x is", () -> GraphChecks.polynomial((cg, x) -> cg.sum(cg.constant(2), cg.constant(3))));
        rejects("off by a constant: yours are the right values - 1", () -> GraphChecks.polynomial((cg, x) ->
                cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(3), x))));
        rejects("is not right", () -> GraphChecks.polynomial((cg, x) ->
                cg.sum(cg.sum(cg.multiply(x, x), cg.multiply(cg.constant(2), x)), cg.constant(1))));
        rejects("your builder returned null", () -> GraphChecks.polynomial((cg, x) -> null));
        rejects("running your graph failed: forward: input y was not fed",
                () -> GraphChecks.polynomial((cg, x) -> cg.sum(x, cg.input("y"))));
    }

    // ---- notebook 3 ----

    @Test
    void sigmoidBackwardAcceptsTheFormulaAndPassesTheGradientCheck() {
        String ok = verdict(true, () -> BackpropChecks.sigmoidBackward((x, y, dy) -> dy * y * (1 - y)));
        assertTrue(ok.contains("gradient check"), ok);
    }

    @Test
    void sigmoidBackwardExplainsSignFactorAndMixUps() {
        rejects("the sign is wrong", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> -dy * y * (1 - y)));
        rejects("off by a constant factor: yours are 2 ×", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> 2 * dy * y * (1 - y)));
        rejects("you used x where the formula needs y", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> dy * x * (1 - x)));
        rejects("forgot the incoming gradient", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> y * (1 - y)));
        rejects("all your values are 0", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> 0));
        rejects("NaN", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> dy * y * (1 - y) * Math.log(x - 10)));
        rejects("your code threw ArithmeticException: / by zero", () -> BackpropChecks.sigmoidBackward((x, y, dy) -> 1 / (int) x));
    }

    @Test
    void chainRuleAcceptsHandGradientsAndNamesTheWrongOne() {
        verdict(true, () -> BackpropChecks.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * b, 2 * v * a, 2 * v};
        }));
        rejects("dL/da is wrong: off by a constant factor: yours are 1/2 ×", () -> BackpropChecks.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {v * b, v * a, v};
        }));
        rejects("forget a factor 2", () -> BackpropChecks.chainRule((a, b, c) -> new double[] {(a * b + c) * b, (a * b + c) * a, a * b + c}));
        rejects("dL/db is wrong: the sign is wrong", () -> BackpropChecks.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * b, -2 * v * a, 2 * v};
        }));
        rejects("you have dL/db's value", () -> BackpropChecks.chainRule((a, b, c) -> {
            double v = a * b + c;
            return new double[] {2 * v * a, 2 * v * a, 2 * v};
        }));
        rejects("new double[] {dLda, dLdb, dLdc}", () -> BackpropChecks.chainRule((a, b, c) -> new double[2]));
    }

    @Test
    void broadcastGradientAcceptsSumOverRowsAndExplainsShapeAndMean() {
        verdict(true, () -> BackpropChecks.broadcastGradient(dy -> sumRows(dy, 1)));
        rejects("your gradient has y's shape", () -> BackpropChecks.broadcastGradient(dy -> dy));
        rejects("you averaged dy over the rows", () -> BackpropChecks.broadcastGradient(dy -> sumRows(dy, 1.0 / dy.dim(0))));
        rejects("summed along the rows' length (axis 1)", () -> BackpropChecks.broadcastGradient(dy -> {
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

    // ---- notebook 3c: the backward sweep ----

    private static List<Node> postOrder(Connection loss, boolean remember, boolean nodeFirst) {
        List<Node> order = new ArrayList<>();
        visit(loss, remember ? new HashSet<>() : null, order, nodeFirst);
        return order;
    }

    private static void visit(Connection c, Set<Node> seen, List<Node> order, boolean nodeFirst) {
        Node node = c.producer();
        if (node == null || (seen != null && !seen.add(node))) return;
        if (nodeFirst) order.add(node);
        for (Connection in : node.inputs()) visit(in, seen, order, nodeFirst);
        if (!nodeFirst) order.add(node);
    }

    @Test
    void topologicalOrderAcceptsADepthFirstOrderAndExplainsDuplicatesAndOrder() {
        verdict(true, () -> BackwardSweepChecks.topologicalOrder(loss -> postOrder(loss, true, false)));
        verdict(true, () -> BackwardSweepChecks.topologicalOrder(loss -> loss.graph().nodes().stream()
                .filter(n -> Check.behind(loss).contains(n.output())).toList()));
        rejects("appears more than once", () -> BackwardSweepChecks.topologicalOrder(loss -> postOrder(loss, false, false)));
        rejects("comes before", () -> BackwardSweepChecks.topologicalOrder(loss -> postOrder(loss, true, true)));
        rejects("runs from the loss back", () -> BackwardSweepChecks.topologicalOrder(loss -> {
            List<Node> o = new ArrayList<>(postOrder(loss, true, false));
            Collections.reverse(o);
            return o;
        }));
        rejects("does not depend on", () -> BackwardSweepChecks.topologicalOrder(loss -> loss.graph().nodes()));
        rejects("your order is empty", () -> BackwardSweepChecks.topologicalOrder(loss -> new ArrayList<>()));
    }

    /** The notebook's sweep, with one of the classic mistakes when asked. */
    private static BackwardSweepChecks.Sweep sweep(String mistake) {
        return (loss, order, ctx, grad) -> {
            if (!mistake.equals("no clearing")) grad.clear();
            grad.put(loss, Tensor.full(mistake.equals("sign") ? -1 : 1, ctx.value(loss).shape()));
            for (int j = 0; j < order.size(); j++) {
                Node node = order.get(mistake.equals("forward") ? j : order.size() - 1 - j);
                Tensor[] dx = ctx.inputGradients(node, grad.get(node.output()));
                for (int k = 0; k < dx.length; k++) {
                    if (mistake.equals("put")) grad.put(node.inputs().get(k), dx[k]);
                    else grad.merge(node.inputs().get(k), dx[k], Tensor::plus);
                }
            }
        };
    }

    @Test
    void backwardSweepAcceptsTheSweepAndNamesEachClassicBug() {
        verdict(true, () -> BackwardSweepChecks.backwardSweep(sweep("")));
        rejects("no accumulation", () -> BackwardSweepChecks.backwardSweep(sweep("put")));
        rejects("clear it when a pass starts", () -> BackwardSweepChecks.backwardSweep(sweep("no clearing")));
        rejects("reverse topological order", () -> BackwardSweepChecks.backwardSweep(sweep("forward")));
        rejects("wrong sign", () -> BackwardSweepChecks.backwardSweep(sweep("sign")));
        rejects("grad has no entry for the loss", () -> BackwardSweepChecks.backwardSweep((loss, order, ctx, grad) -> {}));
        rejects("called ctx.backward", () -> BackwardSweepChecks.backwardSweep((loss, order, ctx, grad) -> {
            ctx.backward(loss.graph(), loss);
            for (Connection c : Check.behind(loss)) grad.put(c, ctx.gradient(c));
        }));
        for (SweepBugs.Bug bug : SweepBugs.Bug.values()) {
            String says = SweepBugs.whatTheCheckSays(SweepBugs.sweep(bug));
            assertTrue(says.startsWith("✗ "), bug + ": " + says);
        }
        assertTrue(SweepBugs.whatTheCheckSays(sweep("")).startsWith("✓"));
    }

    // ---- notebook 5b: your own op ----

    /** Softplus as a student writes it, with one of the typical mistakes when asked. */
    private static final class Softplus extends Node {
        private final String mistake;

        Softplus(String mistake) {
            super("softplus");
            this.mistake = mistake;
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            double[] x = in[0].data(), y = new double[x.length];
            for (int i = 0; i < x.length; i++) y[i] = mistake.equals("exp") ? Math.exp(x[i]) : Math.log1p(Math.exp(x[i]));
            return Tensor.wrap(y, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
            double[] x = in[0].data(), g = dy.data(), dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double s = 1 / (1 + Math.exp(-x[i]));
                dx[i] = mistake.equals("no dy") ? s : mistake.equals("y") ? g[i] * out.data()[i] : g[i] * s;
            }
            return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
        }
    }

    @Test
    void softplusAcceptsTheOpAndExplainsForwardAndBackwardMistakes() {
        verdict(true, () -> OwnOpChecks.softplus(() -> new Softplus("")));
        rejects("forgot the incoming gradient dy", () -> OwnOpChecks.softplus(() -> new Softplus("no dy")));
        rejects("multiplies dy by y", () -> OwnOpChecks.softplus(() -> new Softplus("y")));
        rejects("your forward gives eˣ", () -> OwnOpChecks.softplus(() -> new Softplus("exp")));
        Softplus shared = new Softplus("");
        ComputationalGraph other = new ComputationalGraph();
        other.add(shared, null, other.input("x"));
        rejects("make a new node each time", () -> OwnOpChecks.softplus(() -> shared));
    }

    // ---- notebook 7d: a two-layer net from your own layers ----

    /** The affine layer as a student writes it (products by loops), with one of the typical mistakes when asked. */
    private static final class Affine extends Node {
        private final String mistake;

        Affine(String mistake) {
            super("affine");
            this.mistake = mistake;
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            Tensor x = in[0], w = in[1];
            int n = x.dim(0), d = x.dim(1), h = w.dim(1);
            double[] y = new double[n * h];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    y[i * h + j] = in[2].get(j);
                    for (int k = 0; k < d; k++) y[i * h + j] += x.get(i, k) * w.get(k, j);
                }
            }
            return Tensor.wrap(y, n, h);
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dy, boolean[] need) {
            Tensor x = in[0], w = in[1];
            int n = x.dim(0), d = x.dim(1), h = w.dim(1);
            double[] dx = new double[n * d], dw = new double[d * h], db = new double[h];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h; j++) {
                    db[j] += mistake.equals("db mean") ? dy.get(i, j) / n : dy.get(i, j);
                    for (int k = 0; k < d; k++) {
                        dx[i * d + k] += dy.get(i, j) * w.get(k, j);
                        if (mistake.equals("dW transposed")) dw[j * d + k] += x.get(i, k) * dy.get(i, j);
                        else dw[k * h + j] += x.get(i, k) * dy.get(i, j);
                    }
                }
            }
            Tensor dW = mistake.equals("dW transposed") ? Tensor.wrap(dw, h, d) : Tensor.wrap(dw, d, h);
            return new Tensor[] {mistake.equals("no dx") ? null : Tensor.wrap(dx, n, d), mistake.equals("blank") ? null : dW,
                    Tensor.wrap(db, h)};
        }
    }

    @Test
    void affineLayerAcceptsItsBackwardAndExplainsShapesSumsAndMissingGradients() {
        verdict(true, () -> TwoLayerNetChecks.affine(() -> new Affine("")));
        rejects("which product", () -> TwoLayerNetChecks.affine(() -> new Affine("dW transposed")));
        rejects("the mean of dy's columns", () -> TwoLayerNetChecks.affine(() -> new Affine("db mean")));
        rejects("your dx is all zeros", () -> TwoLayerNetChecks.affine(() -> new Affine("no dx")));
        rejects("your dW is all zeros", () -> TwoLayerNetChecks.affine(() -> new Affine("blank")));
    }

    @Test
    void weightDecayStepAcceptsTheStepAndExplainsSignDecayAndCopies() {
        verdict(true, () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) next[i] = w[i] - lr * (dw[i] + reg * w[i]);
            return next;
        }));
        rejects("without the learning rate", () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) next[i] = w[i] - lr * dw[i] - reg * w[i];
            return next;
        }));
        rejects("has a gradient of its own", () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) next[i] = w[i] - lr * dw[i];
            return next;
        }));
        rejects("up the gradient", () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) next[i] = w[i] + lr * (dw[i] + reg * w[i]);
            return next;
        }));
        rejects("changed w itself", () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> {
            for (int i = 0; i < w.length; i++) w[i] -= lr * (dw[i] + reg * w[i]);
            return w;
        }));
        rejects("placeholder", () -> TwoLayerNetChecks.sgdStep((w, dw, lr, reg) -> w.clone()));
    }

    // ---- notebook 8c: convolution and max pooling by hand ----

    /** The forward by loops; "flip" multiplies with the flipped filter, "unshifted" forgets to subtract the padding. */
    private static Tensor convLoops(Tensor x, Tensor f, int stride, int padding, String mistake) {
        int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = f.dim(0), K = f.dim(2);
        int OH = (H + 2 * padding - K) / stride + 1, OW = (W + 2 * padding - K) / stride + 1;
        int shift = mistake.equals("unshifted") ? 0 : padding;
        double[] y = new double[N * O * OH * OW];
        for (int n = 0; n < N; n++) for (int o = 0; o < O; o++) for (int i = 0; i < OH; i++) for (int j = 0; j < OW; j++) {
            for (int c = 0; c < C; c++) for (int u = 0; u < K; u++) for (int v = 0; v < K; v++) {
                int r = i * stride - shift + u, q = j * stride - shift + v;
                if (r < 0 || r >= H || q < 0 || q >= W) continue;
                double w = mistake.equals("flip") ? f.get(o, c, K - 1 - u, K - 1 - v) : f.get(o, c, u, v);
                y[((n * O + o) * OH + i) * OW + j] += w * x.get(n, c, r, q);
            }
        }
        return Tensor.wrap(y, N, O, OH, OW);
    }

    /** dL/df by loops; "first" sums over the first image only. */
    private static Tensor convWeightLoops(Tensor x, Tensor f, Tensor dy, int stride, int padding, String mistake) {
        int N = mistake.equals("first") ? 1 : x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), O = f.dim(0), K = f.dim(2);
        double[] df = new double[f.size()];
        for (int n = 0; n < N; n++) for (int o = 0; o < O; o++) for (int i = 0; i < dy.dim(2); i++) for (int j = 0; j < dy.dim(3); j++) {
            for (int c = 0; c < C; c++) for (int u = 0; u < K; u++) for (int v = 0; v < K; v++) {
                int r = i * stride - padding + u, q = j * stride - padding + v;
                if (r >= 0 && r < H && q >= 0 && q < W) df[((o * C + c) * K + u) * K + v] += dy.get(n, o, i, j) * x.get(n, c, r, q);
            }
        }
        return Tensor.wrap(df, f.shape());
    }

    /** Max pooling's backward by loops; "last" takes the last maximum of a tie, "overwrite" keeps one window's gradient. */
    private static Tensor poolLoops(Tensor x, Tensor dy, int size, int stride, String mistake) {
        int N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
        double[] dx = new double[x.size()];
        for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) for (int i = 0; i < dy.dim(2); i++) for (int j = 0; j < dy.dim(3); j++) {
            int br = i * stride, bq = j * stride;
            for (int u = 0; u < size; u++) for (int v = 0; v < size; v++) {
                double a = x.get(n, c, i * stride + u, j * stride + v), b = x.get(n, c, br, bq);
                if (a > b || (mistake.equals("last") && a == b)) {
                    br = i * stride + u;
                    bq = j * stride + v;
                }
            }
            int at = ((n * C + c) * H + br) * W + bq;
            dx[at] = mistake.equals("overwrite") ? dy.get(n, c, i, j) : dx[at] + dy.get(n, c, i, j);
        }
        return Tensor.wrap(dx, x.shape());
    }

    @Test
    void convForwardAcceptsTheLoopsAndExplainsPaddingAndFlippedFilters() {
        verdict(true, () -> ConvByHandChecks.convForward((x, f, s, p) -> convLoops(x, f, s, p, "")));
        rejects("shifted", () -> ConvByHandChecks.convForward((x, f, s, p) -> convLoops(x, f, s, p, "unshifted")));
        rejects("flipped the filter", () -> ConvByHandChecks.convForward((x, f, s, p) -> convLoops(x, f, s, p, "flip")));
        rejects("placeholder", () -> ConvByHandChecks.convForward((x, f, s, p) -> Tensor.zeros(convLoops(x, f, s, p, "").shape())));
        rejects("how many windows fit", () -> ConvByHandChecks.convForward((x, f, s, p) -> convLoops(x, f, s, 0, "")));
    }

    @Test
    void convWeightGradientAcceptsTheLoopsAndExplainsTheBatchSum() {
        verdict(true, () -> ConvByHandChecks.convWeightGradient((x, f, dy, s, p) -> convWeightLoops(x, f, dy, s, p, "")));
        rejects("first image only", () -> ConvByHandChecks.convWeightGradient((x, f, dy, s, p) -> convWeightLoops(x, f, dy, s, p, "first")));
        rejects("placeholder", () -> ConvByHandChecks.convWeightGradient((x, f, dy, s, p) -> Tensor.zeros(f.shape())));
    }

    @Test
    void maxPoolBackwardAcceptsTheFirstMaximumAndExplainsTiesAndOverlaps() {
        verdict(true, () -> ConvByHandChecks.maxPoolBackward((x, dy, size, s) -> poolLoops(x, dy, size, s, "")));
        rejects("the last of them", () -> ConvByHandChecks.maxPoolBackward((x, dy, size, s) -> poolLoops(x, dy, size, s, "last")));
        rejects("gets the sum", () -> ConvByHandChecks.maxPoolBackward((x, dy, size, s) -> poolLoops(x, dy, size, s, "overwrite")));
    }

    // ---- notebook 4c: losses by hand ----

    /** The hinge loss with loops as a student writes it, with one of the typical mistakes when asked. */
    private static double hingeLoop(double[][] s, int[] y, double[][] ds, String mistake) {
        int n = s.length, k = s[0].length;
        double loss = 0, share = mistake.equals("no /n") ? 1 : 1.0 / n, sign = mistake.equals("sign") ? -1 : 1;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                if (j == y[i] && !mistake.equals("label counted")) continue;
                double margin = s[i][j] - s[i][y[i]] + 1;
                if (margin > 0) {
                    loss += margin;
                    ds[i][j] += sign * share;
                    if (!mistake.equals("no label term")) ds[i][y[i]] -= sign * share;
                }
            }
        }
        if (mistake.equals("in place")) s[0][0] = 0;
        return mistake.equals("sum") ? loss : loss / n;
    }

    @Test
    void hingeLossAcceptsTheLoopsAndExplainsTheTypicalMistakes() {
        verdict(true, () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "")));
        rejects("1 too high", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "label counted")));
        rejects("times the right one, the batch size", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "no /n")));
        rejects("not their sum", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "sum")));
        rejects("the sign of your dL/ds is wrong", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "sign")));
        rejects("not for each example's label", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "no label term")));
        rejects("changed the scores", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, ds, "in place")));
        rejects("is the code written yet?", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> 0));
        // the right loss with an empty ds
        rejects("your dL/ds is all 0", () -> LossesByHandChecks.hingeLoss((s, y, ds) -> hingeLoop(s, y, new double[s.length][s[0].length], "")));
    }

    /** The softmax cross-entropy with whole-tensor ops as a student writes it, with one typical mistake when asked. */
    private static Connection[] softmaxTensor(ComputationalGraph cg, Connection s, Connection onehot, int n, String mistake) {
        Connection shifted = mistake.equals("no max") ? s : cg.subtract(s, cg.reduceMax(s, 1, true));
        Connection e = cg.exp(shifted);
        Connection z = cg.reduceSum(e, 1, true);
        Connection p = cg.div(e, z);
        Connection logp = mistake.equals("log of p") ? cg.log(p) : cg.subtract(shifted, cg.log(z));
        Connection total = cg.negate(cg.reduceSum(cg.multiply(logp, onehot)));
        Connection loss = mistake.equals("sum") ? total : cg.div(total, cg.constant(n));
        Connection diff = mistake.equals("sign") ? cg.subtract(onehot, p) : mistake.equals("p only") ? p : cg.subtract(p, onehot);
        Connection ds = mistake.equals("no /n") ? diff : cg.div(diff, cg.constant(n));
        if (mistake.equals("per row")) loss = cg.div(cg.negate(cg.reduceSum(cg.multiply(logp, onehot), 1)), cg.constant(n));
        if (mistake.equals("engine")) loss = cg.softmaxCrossEntropy(s, cg.constant(Tensor.zeros(n)));
        return new Connection[] {loss, ds};
    }

    @Test
    void softmaxLossAcceptsTheTensorOpsAndExplainsTheTypicalMistakes() {
        verdict(true, () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "")));
        // log(p) instead of log-sum-exp is fine for these scores (p_y never rounds to 0 here)
        verdict(true, () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "log of p")));
        rejects("overflows for large scores", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "no max")));
        rejects("times the right one, the batch size", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "no /n")));
        rejects("not their sum", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "sum")));
        rejects("the sign of your dL/ds is wrong", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "sign")));
        rejects("not for each example's label", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "p only")));
        rejects("the loss of a batch is one number", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "per row")));
        rejects("write the softmax yourself", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> softmaxTensor(cg, s, oh, n, "engine")));
        rejects("is the code written yet?", () -> LossesByHandChecks.softmaxLoss(
                (cg, s, oh, n) -> new Connection[] {cg.constant(0), cg.multiply(s, cg.constant(0))}));
        rejects("return two connections", () -> LossesByHandChecks.softmaxLoss((cg, s, oh, n) -> new Connection[] {s}));
    }

    // ---- notebook 5c: layers by hand ----

    private static void affineBackward(double[][] dout, double[][] x, double[][] w, double[][] dx, double[][] dw, double[] db,
                                       String mistake) {
        int n = x.length, d = w.length, m = w[0].length;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                if (mistake.equals("db last row")) db[k] = dout[i][k];
                else db[k] += dout[i][k];
                for (int j = 0; j < d; j++) {
                    dx[i][j] += dout[i][k] * w[j][k];
                    dw[j][k] += mistake.equals("dW without x") ? dout[i][k] : x[i][j] * dout[i][k];
                }
            }
        }
        if (mistake.equals("sign")) for (double[] row : dx) for (int j = 0; j < row.length; j++) row[j] = -row[j];
    }

    @Test
    void affineBackwardAcceptsTheLoopsAndRejectsWrongGradients() {
        verdict(true, () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> affineBackward(o, x, w, dx, dw, db, "")));
        rejects("db:", () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> affineBackward(o, x, w, dx, dw, db, "db last row")));
        rejects("dW:", () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> affineBackward(o, x, w, dx, dw, db, "dW without x")));
        rejects("dx: the sign is wrong", () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> affineBackward(o, x, w, dx, dw, db, "sign")));
        rejects("dx: all your values are 0", () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> {}));
        rejects("ArrayIndexOutOfBoundsException", () -> LayersByHandChecks.affineBackward((o, x, w, dx, dw, db) -> dx[0][x[0].length] = 1));
    }

    @Test
    void reluBackwardAcceptsTheLoopsAndExplainsTheLocalDerivativeMistake() {
        verdict(true, () -> LayersByHandChecks.reluBackward((o, x, dx) -> {
            for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) dx[i][j] = x[i][j] > 0 ? o[i][j] : 0;
        }));
        rejects("local derivative only", () -> LayersByHandChecks.reluBackward((o, x, dx) -> {
            for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) dx[i][j] = x[i][j] > 0 ? 1 : 0;
        }));
        rejects("dx: ", () -> LayersByHandChecks.reluBackward((o, x, dx) -> {
            for (int i = 0; i < x.length; i++) for (int j = 0; j < x[i].length; j++) dx[i][j] = o[i][j];
        }));
    }

    private static void batchNormBackward(double[][] dout, double[][] xhat, double[] gamma, double[] invStd, double[][] dx,
                                          double[] dgamma, double[] dbeta, String mistake) {
        int n = dout.length, d = dout[0].length;
        for (int j = 0; j < d; j++) {
            double sumDout = 0, sumDoutXhat = 0;
            for (int i = 0; i < n; i++) {
                sumDout += dout[i][j];
                sumDoutXhat += dout[i][j] * xhat[i][j];
            }
            dbeta[j] = sumDout;
            dgamma[j] = mistake.equals("dγ = dβ") ? sumDout : sumDoutXhat;
            for (int i = 0; i < n; i++) {
                dx[i][j] = switch (mistake) {
                    case "inference" -> gamma[j] * invStd[j] * dout[i][j];
                    case "no variance path" -> gamma[j] * invStd[j] / n * (n * dout[i][j] - sumDout);
                    default -> gamma[j] * invStd[j] / n * (n * dout[i][j] - sumDout - xhat[i][j] * sumDoutXhat);
                };
            }
        }
    }

    @Test
    void batchNormBackwardAcceptsTheStepsAndExplainsTheInferenceFormula() {
        verdict(true, () -> LayersByHandChecks.batchNormBackward((o, xh, g, inv, dx, dg, db) -> batchNormBackward(o, xh, g, inv, dx, dg, db, "")));
        rejects("as constants", () -> LayersByHandChecks.batchNormBackward((o, xh, g, inv, dx, dg, db) -> batchNormBackward(o, xh, g, inv, dx, dg, db, "inference")));
        rejects("dx: ", () -> LayersByHandChecks.batchNormBackward((o, xh, g, inv, dx, dg, db) -> batchNormBackward(o, xh, g, inv, dx, dg, db, "no variance path")));
        rejects("dγ: ", () -> LayersByHandChecks.batchNormBackward((o, xh, g, inv, dx, dg, db) -> batchNormBackward(o, xh, g, inv, dx, dg, db, "dγ = dβ")));
    }

    // ---- notebook 8b ----

    @Test
    void batchNormAcceptsColumnsAndExplainsRowsAndUnbiasedVariance() {
        verdict(true, () -> CifarCnnChecks.batchNorm(x -> normalise(x, false, 0)));
        rejects("you normalised each row", () -> CifarCnnChecks.batchNorm(x -> normalise(x, true, 0)));
        rejects("divides the squared deviations by N - 1", () -> CifarCnnChecks.batchNorm(x -> normalise(x, false, 1)));
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

    // ---- notebook 7c: vectorization ----

    @Test
    void distancesLoopAcceptsSquaredDistancesAndExplainsMistakes() {
        verdict(true, () -> VectorizationChecks.distancesLoop((a, b) -> loopDistances(a, b, false)));
        rejects("no square root", () -> VectorizationChecks.distancesLoop((a, b) -> loopDistances(a, b, true)));
        rejects("rows and columns are swapped", () -> VectorizationChecks.distancesLoop((a, b) -> loopDistances(b, a, false)));
        rejects("should have 3 rows of 5 numbers", () -> VectorizationChecks.distancesLoop((a, b) -> new double[3][2]));
    }

    @Test
    void distancesAcceptsTheExpandedSquareAndExplainsMistakes() {
        verdict(true, () -> VectorizationChecks.distances((cg, a, b) -> expanded(cg, a, b, -2)));
        rejects("the cross term a·b has the wrong sign", () -> VectorizationChecks.distances((cg, a, b) -> expanded(cg, a, b, 2)));
        rejects("the cross term a·b has the wrong factor", () -> VectorizationChecks.distances((cg, a, b) -> expanded(cg, a, b, -1)));
        rejects("should have shape [3, 5]", () -> VectorizationChecks.distances((cg, a, b) -> cg.reduceSum(cg.matrixMultiply(a, cg.transpose(b)), 1)));
        rejects("rows and columns are swapped", () -> VectorizationChecks.distances((cg, a, b) -> expanded(cg, b, a, -2)));
        rejects("not computed from b", () -> VectorizationChecks.distances((cg, a, b) -> cg.matrixMultiply(a, cg.transpose(a))));
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
        verdict(true, () -> Check.tensor("W", Tensor.zeros(2, 2), Tensor.zeros(2, 2)));
        rejects("W has shape [4] but should have shape [2, 2]", () -> Check.tensor("W", Tensor.zeros(4), Tensor.zeros(2, 2)));
        verdict(true, () -> Check.number("accuracy", 0.5, 0.5));
        rejects("off by a constant: yours are the right values + 1", () -> Check.tensor("b",
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
        verdict(true, () -> Check.gradients("square", good, loss, null));

        ComputationalGraph bad = new ComputationalGraph();
        Connection v = bad.variable(Tensor.vector(0.5, -1, 2), "v");
        Connection badLoss = bad.reduceSum(bad.add(new Tripled(), "mine", v));
        rejects("backward disagrees with finite differences at v[", () -> Check.gradients("my op", bad, badLoss, null));
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
                    () -> TourChecks.firstTensor(Tensor.vector(1, 2, 3, 4, 5, 6), null));
            assertTrue(e.getMessage().startsWith("✗ your tensor is 1-d"), e.getMessage());
            assertEquals("", captured.toString(StandardCharsets.UTF_8));
            verdict(true, () -> TourChecks.firstTensor(Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6}), null));
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
        String ok = verdict(true, () -> GeneralizationChecks.earlyStop(ChecksTest::earlyStop, run, 3));
        assertTrue(ok.contains("kept epoch " + run.bestEpoch()), ok);
        rejects("count from 0", () -> GeneralizationChecks.earlyStop((a, p) -> {
            int[] e = earlyStop(a, p);
            return new int[] {e[0] - 1, e[1] - 1};
        }, run, 3));
        rejects("an equal accuracy is not a new best", () -> GeneralizationChecks.earlyStop((a, p) -> {
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
        rejects("your run goes to the end", () -> GeneralizationChecks.earlyStop((a, p) -> new int[] {earlyStop(a, p)[0], a.length}, run, 3));
        rejects("stops too early", () -> GeneralizationChecks.earlyStop((a, p) -> {
            int[] e = earlyStop(a, p);
            return new int[] {e[0], Math.max(e[0], e[1] - 1)};
        }, run, 3));
        String unsolved = verdict(false, () -> GeneralizationChecks.earlyStop((a, p) -> new int[] {0, 0}, run, 3));
        assertFalse(unsolved.contains("[3, 5]") || unsolved.contains("{3, 5}"), "no answer in the hint: " + unsolved);
        // right on the hand-made cases, wrong on fit's own accuracies
        rejects("on fit's run above", () -> GeneralizationChecks.earlyStop((a, p) -> java.util.Arrays.equals(a, run.validationAccuracy())
                ? new int[] {run.bestEpoch() + 1, run.epochs().size() + 1} : earlyStop(a, p), run, 3));
    }

    // ---- the checks that were written in notebooks 3b to 9 ----

    @Test
    void firstTensorRejectsTheLessonsOwnTensor() {
        Tensor t = Tensor.matrix(new double[] {1, 2, 3}, new double[] {4, 5, 6});
        rejects("that is t from above", () -> TourChecks.firstTensor(t, t));
        verdict(true, () -> TourChecks.firstTensor(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), t));
    }

    @Test
    void sgdStepOnAVariable() {
        verdict(true, () -> TrainingLoopChecks.sgdStep((v, g, lr) -> v.set(v.value().toArray().length == 0 ? null
                : Tensor.wrap(combine(v.value().toArray(), g.toArray(), 1, -lr), v.value().shape()))));
        rejects("v did not change", () -> TrainingLoopChecks.sgdStep((v, g, lr) -> { }));
        rejects("the sign is wrong", () -> TrainingLoopChecks.sgdStep((v, g, lr) ->
                v.set(Tensor.wrap(combine(v.value().toArray(), g.toArray(), 1, lr), v.value().shape()))));
        rejects("ignores the learning rate", () -> TrainingLoopChecks.sgdStep((v, g, lr) ->
                v.set(Tensor.wrap(combine(v.value().toArray(), g.toArray(), 1, -1), v.value().shape()))));
    }

    private static double[] combine(double[] a, double[] b, double ka, double kb) {
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) r[i] = ka * a[i] + kb * b[i];
        return r;
    }

    private static double hinge(double[] s, int y, double margin, boolean includeLabel) {
        double loss = 0;
        for (int j = 0; j < s.length; j++) if (j != y || includeLabel) loss += Math.max(0, s[j] - s[y] + margin);
        return loss;
    }

    @Test
    void hingeAndSgdOfNotebook4() {
        verdict(true, () -> IrisSvmChecks.hinge((s, y) -> hinge(s, y, 1, false)));
        rejects("1 too high", () -> IrisSvmChecks.hinge((s, y) -> hinge(s, y, 1, true)));
        rejects("margin 0", () -> IrisSvmChecks.hinge((s, y) -> hinge(s, y, 0, false)));
        verdict(true, () -> IrisSvmChecks.sgd((w, g, lr) -> combine(w, g, 1, -lr)));
        rejects("the sign is wrong", () -> IrisSvmChecks.sgd((w, g, lr) -> combine(w, g, 1, lr)));
        rejects("changed w in place", () -> IrisSvmChecks.sgd((w, g, lr) -> {
            for (int i = 0; i < w.length; i++) w[i] -= lr * g[i];
            return w;
        }));
    }

    @Test
    void momentumStepOfNotebook4b() {
        verdict(true, () -> OptimizerChecks.momentumStep((w, v, g, eta, mu) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = mu * v[i] + g[i];
                next[i] = w[i] - eta * v[i];
            }
            return next;
        }));
        rejects("the velocity v stays 0", () -> OptimizerChecks.momentumStep((w, v, g, eta, mu) -> combine(w, g, 1, -eta)));
        rejects("return a new array", () -> OptimizerChecks.momentumStep((w, v, g, eta, mu) -> {
            for (int i = 0; i < w.length; i++) {
                v[i] = mu * v[i] + g[i];
                w[i] -= eta * v[i];
            }
            return w;
        }));
        rejects("v ← μ·v + g scales the old v by μ", () -> OptimizerChecks.momentumStep((w, v, g, eta, mu) -> {
            double[] next = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = v[i] + g[i];
                next[i] = w[i] - eta * v[i];
            }
            return next;
        }));
    }

    private static double crossEntropy(double[] s, int y, boolean stable) {
        double max = stable ? java.util.Arrays.stream(s).max().getAsDouble() : 0, z = 0;
        for (double v : s) z += Math.exp(v - max);
        return -(s[y] - max - Math.log(z));
    }

    @Test
    void crossEntropyAndGradientOfNotebook5() {
        verdict(true, () -> IrisMlpChecks.crossEntropy((s, y) -> crossEntropy(s, y, true)));
        rejects("it overflows for large scores", () -> IrisMlpChecks.crossEntropy((s, y) -> crossEntropy(s, y, false)));
        rejects("the sign is wrong", () -> IrisMlpChecks.crossEntropy((s, y) -> -crossEntropy(s, y, true)));
        verdict(true, () -> IrisMlpChecks.gradient((s, y) -> softmaxMinusLabel(s, y, 1)));
        rejects("the label's own term −1 is missing", () -> IrisMlpChecks.gradient((s, y) -> softmaxMinusLabel(s, y, 0)));
        rejects("the sign is wrong", () -> IrisMlpChecks.gradient((s, y) -> combine(softmaxMinusLabel(s, y, 1), new double[s.length], -1, 0)));
    }

    private static double[] softmaxMinusLabel(double[] s, int y, double label) {
        double max = java.util.Arrays.stream(s).max().getAsDouble(), z = 0;
        double[] g = new double[s.length];
        for (int j = 0; j < s.length; j++) z += (g[j] = Math.exp(s[j] - max));
        for (int j = 0; j < s.length; j++) g[j] /= z;
        g[y] -= label;
        return g;
    }

    @Test
    void accuracyAndReluOfNotebook6() {
        verdict(true, () -> MnistMlpChecks.accuracy((scores, labels) -> {
            int[] p = scores.argmaxRows();
            int right = 0;
            for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) right++;
            return (double) right / p.length;
        }));
        rejects("the number of right answers", () -> MnistMlpChecks.accuracy((scores, labels) -> {
            int[] p = scores.argmaxRows();
            int right = 0;
            for (int i = 0; i < p.length; i++) if (p[i] == labels[i]) right++;
            return right;
        }));
        verdict(true, () -> MnistMlpChecks.reluBackward((x, dy) -> {
            double[] dx = new double[x.length];
            for (int i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
            return dx;
        }));
        rejects("dx is dy everywhere", () -> MnistMlpChecks.reluBackward((x, dy) -> dy.clone()));
    }

    @Test
    void standardizeAndScoresOfNotebook7() {
        verdict(true, () -> CifarChecks.standardize(x -> standardize(x, 0)));
        rejects("√((n−1)/n)", () -> CifarChecks.standardize(x -> standardize(x, 1)));
        rejects("the values are unchanged", () -> CifarChecks.standardize(x -> x));
        verdict(true, () -> CifarChecks.scores((x, w, b) -> linear(x, w, b, 1)));
        rejects("lacks its bias", () -> CifarChecks.scores((x, w, b) -> linear(x, w, b, 0)));
    }

    private static double[][] standardize(double[][] x, int ddof) {
        int n = x.length, d = x[0].length;
        double[][] out = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0, var = 0;
            for (double[] row : x) mean += row[j] / n;
            for (double[] row : x) var += (row[j] - mean) * (row[j] - mean) / (n - ddof);
            for (int i = 0; i < n; i++) out[i][j] = (x[i][j] - mean) / Math.sqrt(var);
        }
        return out;
    }

    private static double[] linear(double[] x, Tensor w, double[] b, double bias) {
        double[] s = new double[w.dim(1)];
        for (int j = 0; j < s.length; j++) {
            s[j] = bias * b[j];
            for (int i = 0; i < x.length; i++) s[j] += x[i] * w.get(i, j);
        }
        return s;
    }

    @Test
    void bestCellOfNotebook7b() {
        verdict(true, () -> TuningChecks.bestCell(acc -> bestCell(acc, false)));
        rejects("NaN", () -> TuningChecks.bestCell(acc -> {
            int[] cell = {0, 0};
            for (int r = 0; r < acc.length; r++) for (int c = 0; c < acc[r].length; c++) if (!(acc[r][c] <= acc[cell[0]][cell[1]])) cell = new int[] {r, c};
            return cell;
        }));
        rejects("the first one (row by row) is kept", () -> TuningChecks.bestCell(acc -> bestCell(acc, true)));
    }

    private static int[] bestCell(double[][] acc, boolean lastOfEqual) {
        int[] cell = {-1, -1};
        for (int r = 0; r < acc.length; r++) {
            for (int c = 0; c < acc[r].length; c++) {
                if (Double.isNaN(acc[r][c])) continue;
                if (cell[0] < 0 || acc[r][c] > acc[cell[0]][cell[1]] || lastOfEqual && acc[r][c] == acc[cell[0]][cell[1]]) cell = new int[] {r, c};
            }
        }
        return cell;
    }

    @Test
    void outputSizeAndIm2colOfNotebook8() {
        verdict(true, () -> MnistCnnChecks.outputSize((in, k, s, p) -> (in + 2 * p - k) / s + 1));
        rejects("one too few", () -> MnistCnnChecks.outputSize((in, k, s, p) -> (in + 2 * p - k) / s));
        rejects("on how many sides is the padding added", () -> MnistCnnChecks.outputSize((in, k, s, p) -> (in + p - k) / s + 1));
        verdict(true, () -> MnistCnnChecks.im2col((img, k) -> im2col(img, k, false)));
        rejects("columns are positions row by row", () -> MnistCnnChecks.im2col((img, k) -> im2col(img, k, true)));
    }

    private static double[][] im2col(double[][] img, int k, boolean transposedPatch) {
        int oh = img.length - k + 1, ow = img[0].length - k + 1;
        double[][] cols = new double[k * k][oh * ow];
        for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int u = 0; u < k; u++) for (int v = 0; v < k; v++) {
            cols[transposedPatch ? v * k + u : u * k + v][i * ow + j] = img[i + u][j + v];
        }
        return cols;
    }

    @Test
    void flopsOfNotebook9() {
        verdict(true, () -> SpeedChecks.chainFlops((m, k, n, p) -> 2L * m * k * n + 2L * m * n * p));
        rejects("half the count", () -> SpeedChecks.chainFlops((m, k, n, p) -> (long) m * k * n + (long) m * n * p));
        rejects("the other order", () -> SpeedChecks.chainFlops((m, k, n, p) -> 2L * k * n * p + 2L * m * k * p));
        verdict(true, () -> SpeedChecks.stepFlops((b, layers) -> stepFlops(b, layers, 2)));
        rejects("one of the backward products is not needed", () -> SpeedChecks.stepFlops((b, layers) -> stepFlops(b, layers, 3)));
    }

    private static long stepFlops(int b, int[] layers, int firstLayerProducts) {
        long total = 0;
        for (int l = 0; l + 1 < layers.length; l++) total += (l == 0 ? firstLayerProducts : 3) * 2L * b * layers[l] * layers[l + 1];
        return total;
    }

    /** The hints never give the value expected for the case being graded: hard-coding from a ✗ line fails the next run. */
    @Test
    void casesChangeFromRunToRun() {
        System.clearProperty("deeptoy.check.seed");
        String a = verdict(false, () -> CifarChecks.scores((x, w, b) -> new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        String b = verdict(false, () -> CifarChecks.scores((x, w, b2) -> new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        assertTrue(a.contains("(for ") && b.contains("(for "), a);
    }

    // ---- notebook 6c ----

    @Test
    void heAcceptsHeWeightsAndNamesEachWrongSpread() {
        verdict(true, () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, Math.sqrt(2.0 / in), in, out)));
        rejects("relu sets about half of them to 0", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, Math.sqrt(1.0 / in), in, out)));
        rejects("take a standard deviation", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, 2.0 / in, in, out)));
        rejects("Xavier's spread", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, Math.sqrt(2.0 / (in + out)), in, out)));
        rejects("it depends on fanOut", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, Math.sqrt(2.0 / out), in, out)));
        rejects("too-large initialisation", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, 1, in, out)));
        rejects("shape [fanOut, fanIn]", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(r, 0, Math.sqrt(2.0 / in), out, in)));
        rejects("placeholder", () -> InitChecks.he((r, in, out) -> Tensor.zeros(in, out)));
        rejects("returns null", () -> InitChecks.he((r, in, out) -> null));
        rejects("centred on 0", () -> InitChecks.he((r, in, out) -> Tensor.randomUniform(r, 0, Math.sqrt(24.0 / in), in, out)));
        rejects("the random passed in", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(new java.util.Random(), 0, Math.sqrt(2.0 / in), in, out)));
        rejects("the random passed in", () -> InitChecks.he((r, in, out) -> Tensor.randomNormal(new java.util.Random(1), 0, Math.sqrt(2.0 / in), in, out)));
    }

    // ---- notebook 9b ----

    /** A student's fromTable, right or with one mistake. */
    private static org.deeptoy.data.Dataset fromTable(tech.tablesaw.api.Table table, String labelColumn, String mistake) {
        int rows = table.rowCount();
        List<double[]> columns = new ArrayList<>();
        for (var column : table.columns()) {
            boolean isLabel = column.name().equals(labelColumn) && !mistake.equals("label as feature");
            if (!isLabel && column instanceof tech.tablesaw.api.NumericColumn<?> numbers) columns.add(numbers.asDoubleArray());
        }
        double[] x = new double[rows * columns.size()];
        for (int j = 0; j < columns.size(); j++) {
            for (int i = 0; i < rows; i++) {
                x[mistake.equals("column by column") ? j * rows + i : i * columns.size() + j] = columns.get(j)[i];
            }
        }
        var label = table.column(labelColumn);
        java.util.Collection<String> names = mistake.equals("first seen") ? new java.util.LinkedHashSet<>() : new java.util.TreeSet<>();
        for (int i = 0; i < rows; i++) names.add(label.getString(i));
        List<String> classes = new ArrayList<>(names);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = classes.indexOf(label.getString(i));
        return new org.deeptoy.data.Dataset(table.name(), Tensor.wrap(x, rows, columns.size()), labels, classes);
    }

    @Test
    void fromTableAcceptsTheConversionAndNamesEachMistake() {
        verdict(true, () -> TableChecks.fromTable((t, l) -> fromTable(t, l, "")));
        rejects("in the order they first appear", () -> TableChecks.fromTable((t, l) -> fromTable(t, l, "first seen")));
        rejects("column by column", () -> TableChecks.fromTable((t, l) -> fromTable(t, l, "column by column")));
        rejects("the label column is among your features", () -> TableChecks.fromTable((t, l) -> fromTable(t, l, "label as feature")));
        rejects("returns null", () -> TableChecks.fromTable((t, l) -> null));
    }

    // ---- notebook 10: attention ----

    /** Attention as a student builds it, with one typical mistake when asked. */
    private static AttentionChecks.Attention attention(String mistake) {
        return (cg, q, k, v, d) -> {
            Connection scores = mistake.equals("k q") ? cg.batchMatrixMultiply(k, cg.transpose(q, 0, 2, 1))
                    : cg.batchMatrixMultiply(q, cg.transpose(k, 0, 2, 1));
            double scale = mistake.equals("no scale") ? 1 : mistake.equals("1/d") ? 1.0 / d : 1 / Math.sqrt(d);
            Connection scaled = cg.multiply(scores, cg.constant(scale));
            Connection weights = mistake.equals("no softmax") ? scaled : cg.softmax(scaled, mistake.equals("axis") ? 1 : -1);
            if (mistake.equals("weights")) return weights;
            if (mistake.equals("no transpose")) return cg.batchMatrixMultiply(cg.softmax(cg.batchMatrixMultiply(q, k)), v);
            return cg.batchMatrixMultiply(weights, v);
        };
    }

    @Test
    void attentionAcceptsTheScaledDotProductAndExplainsTypicalMistakes() {
        verdict(true, () -> AttentionChecks.attention(attention("")));
        rejects("your scores are not scaled", () -> AttentionChecks.attention(attention("no scale")));
        rejects("divided by d", () -> AttentionChecks.attention(attention("1/d")));
        rejects("sum to 1 over the queries", () -> AttentionChecks.attention(attention("axis")));
        rejects("one op is missing", () -> AttentionChecks.attention(attention("no softmax")));
        rejects("compare each key with the queries", () -> AttentionChecks.attention(attention("k q")));
        rejects("the weights are not the output yet", () -> AttentionChecks.attention(attention("weights")));
        rejects("inner dimensions differ", () -> AttentionChecks.attention(attention("no transpose")));
        rejects("is not computed from v", () -> AttentionChecks.attention((cg, q, k, v, d) ->
                cg.batchMatrixMultiply(cg.softmax(cg.batchMatrixMultiply(q, cg.transpose(k, 0, 2, 1))), q)));
        rejects("returns null", () -> AttentionChecks.attention((cg, q, k, v, d) -> null));
        rejects("is not computed from q", () -> AttentionChecks.attention((cg, q, k, v, d) -> v)); // the student's stub
    }

    // ---- notebook 8d: residual connections ----

    @Test
    void residualBlockAcceptsReluOfFPlusXAndNamesTheClassicMistakes() {
        verdict(true, () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.relu(cg.sum(cg.conv2d(cg.relu(cg.conv2d(x, k1, 1, 1)), k2, 1, 1), x))));
        rejects("the skip is missing", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.relu(cg.conv2d(cg.relu(cg.conv2d(x, k1, 1, 1)), k2, 1, 1))));
        rejects("applies the last relu before adding x", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.sum(cg.relu(cg.conv2d(cg.relu(cg.conv2d(x, k1, 1, 1)), k2, 1, 1)), x)));
        rejects("ends with a relu after the addition", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.sum(cg.conv2d(cg.relu(cg.conv2d(x, k1, 1, 1)), k2, 1, 1), x)));
        rejects("F needs a relu between its two convolutions", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.relu(cg.sum(cg.conv2d(cg.conv2d(x, k1, 1, 1), k2, 1, 1), x))));
        rejects("k1 comes first", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.relu(cg.sum(cg.conv2d(cg.relu(cg.conv2d(x, k2, 1, 1)), k1, 1, 1), x))));
        rejects("which stride and padding keep the picture's size", () -> ResidualChecks.residualBlock((cg, x, k1, k2) ->
                cg.relu(cg.conv2d(cg.relu(cg.conv2d(x, k1, 1, 0)), k2, 1, 0))));
        rejects("returns x unchanged", () -> ResidualChecks.residualBlock((cg, x, k1, k2) -> x));
        rejects("returns null", () -> ResidualChecks.residualBlock((cg, x, k1, k2) -> null));
    }
}
