package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/** Notebook 8c's exercises (convolution and max pooling written with loops), checked against the engine's ops. */
public final class ConvByHandChecks {
    private ConvByHandChecks() {}

    /** The student's convolution forward: y [N, O, OH, OW] from x [N, C, H, W] and f [O, C, K, K]. */
    @FunctionalInterface
    public interface ConvForward {
        Tensor of(Tensor x, Tensor f, int stride, int padding);
    }

    /** The student's dL/df [O, C, K, K] from x, f and dy = dL/dy. */
    @FunctionalInterface
    public interface ConvBackward {
        Tensor of(Tensor x, Tensor f, Tensor dy, int stride, int padding);
    }

    /** The student's max pooling backward: dL/dx [N, C, H, W] from x and dy = dL/dy. */
    @FunctionalInterface
    public interface PoolBackward {
        Tensor of(Tensor x, Tensor dy, int size, int stride);
    }

    /** The (stride, padding) pairs every convolution check covers. */
    private static final int[][] SETTINGS = {{1, 0}, {2, 1}, {1, 1}};

    /** Exercise: the convolution's forward with loops, against the engine's conv2d with three strides and paddings. */
    public static boolean convForward(ConvForward student) {
        Random r = cases();
        for (int[] sp : SETTINGS) {
            Case c = new Case(r, sp[0], sp[1]);
            Outcome<Tensor> got = attempt(() -> student.of(c.x, c.f, c.stride, c.padding));
            if (got.failed()) return fail(got.problem() + c.on());
            Tensor want = c.engine().value(c.y);
            if (got.value() == null) return fail("your forward returns null" + c.on());
            if (!Arrays.equals(got.value().shape(), want.shape())) {
                return fail("your output has shape " + Compare.shape(got.value()) + " but should have shape " + Compare.shape(want)
                        + ": how many windows fit across the padded image, moved by the stride?" + c.on());
            }
            if (tensorProblem("y", got.value(), want) == null) continue;
            double[] g = got.value().toArray();
            if (Arrays.stream(g).allMatch(v -> v == 0)) return fail("your output is all zeros (is the code still a placeholder?)" + c.on());
            if (same(g, naive(c, false, true))) {
                return fail("your values are shifted: with padding p the window of output (0, 0) starts p rows above and p"
                        + " columns left of the image" + c.on());
            }
            if (same(g, naive(c, true, false))) {
                return fail("you flipped the filter (a convolution in the signal-processing sense): deep-learning libraries"
                        + " multiply f[o, c, u, v] with the window's pixel (u, v) as it is" + c.on());
            }
            return fail("your output: " + Compare.diff(g, want.toArray()).describe(Where.flat(want.shape())) + c.on());
        }
        return pass("your convolution equals the engine's conv2d with stride 1 and 2, padding 0 and 1");
    }

    /** Exercise: dL/df with loops, against the engine's gradient of conv2d's filters. */
    public static boolean convWeightGradient(ConvBackward student) {
        Random r = cases();
        for (int[] sp : SETTINGS) {
            Case c = new Case(r, sp[0], sp[1]);
            SimulationContext ctx = c.engine().backward(c.cg, c.loss);
            Tensor want = ctx.gradient(c.filters);
            Outcome<Tensor> got = attempt(() -> student.of(c.x, c.f, c.dy, c.stride, c.padding));
            if (got.failed()) return fail(got.problem() + c.on());
            if (got.value() == null) return fail("your dL/df is null" + c.on());
            if (!Arrays.equals(got.value().shape(), want.shape())) {
                return fail("your dL/df has shape " + Compare.shape(got.value()) + ": a gradient has the shape of f, "
                        + Compare.shape(want) + c.on());
            }
            if (tensorProblem("dL/df", got.value(), want) == null) continue;
            double[] g = got.value().toArray();
            if (Arrays.stream(g).allMatch(v -> v == 0)) return fail("your dL/df is all zeros (is the code still a placeholder?)" + c.on());
            Case first = c.firstImage();
            Tensor fromFirst = first.engine().backward(first.cg, first.loss).gradient(first.filters);
            if (same(g, fromFirst.toArray())) {
                return fail("your dL/df holds the first image only: every image of the batch uses the same filters, so each"
                        + " adds its part" + c.on());
            }
            return fail("your dL/df: " + Compare.diff(g, want.toArray()).describe(Where.flat(want.shape()))
                    + "; each weight meets a pixel at every output position of every image, and all those products add up" + c.on());
        }
        return pass("your dL/df equals the engine's gradient of conv2d's filters with stride 1 and 2, padding 0 and 1");
    }

    /** Exercise: max pooling's backward, against the engine's maxPool2d with ties and overlapping windows. */
    public static boolean maxPoolBackward(PoolBackward student) {
        Random r = cases();
        int[][] settings = {{2, 2}, {3, 2}, {2, 1}}; // size, stride: the last two overlap
        for (int[] ss : settings) {
            int size = ss[0], stride = ss[1];
            int n = 1 + r.nextInt(2), ch = 1 + r.nextInt(2), h = 4 + r.nextInt(3), w = 4 + r.nextInt(3);
            double[] v = new double[n * ch * h * w];
            for (int i = 0; i < v.length; i++) v[i] = r.nextInt(4); // small integers: ties in many windows
            Tensor x0 = Tensor.wrap(v, n, ch, h, w);
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x");
            Connection y = cg.maxPool2d(x, size, stride);
            SimulationContext ctx = new SimulationContext().forward(cg, Map.of(x, x0));
            int[] ys = ctx.value(y).shape();
            Tensor dy0 = Tensor.randomUniform(r, 0.5, 2, ys);
            Connection loss = cg.reduceSum(cg.multiply(y, cg.constant(dy0)));
            Tensor want = ctx.forward(cg, Map.of(x, x0)).backward(cg, loss).gradient(x);
            String on = " (for x " + Compare.shape(x0) + ", windows " + size + " × " + size + " moved by " + stride + ")";
            Outcome<Tensor> got = attempt(() -> student.of(x0, dy0, size, stride));
            if (got.failed()) return fail(got.problem() + on);
            if (got.value() == null) return fail("your dL/dx is null" + on);
            if (!Arrays.equals(got.value().shape(), x0.shape())) {
                return fail("your dL/dx has shape " + Compare.shape(got.value()) + ": a gradient has the shape of x" + on);
            }
            if (tensorProblem("dL/dx", got.value(), want) == null) continue;
            double[] g = got.value().toArray();
            if (Arrays.stream(g).allMatch(u -> u == 0)) return fail("your dL/dx is all zeros (is the code still a placeholder?)" + on);
            if (same(g, pooled(x0, dy0, size, stride, Route.LAST_MAX))) {
                return fail("where a window has several equal maxima, yours goes to the last of them: the engine takes the"
                        + " first maximum, row by row (a later pixel takes over only when it is larger)" + on);
            }
            if (same(g, pooled(x0, dy0, size, stride, Route.EVERY_MAX))) {
                return fail("where a window has several equal maxima, each of yours gets the gradient: only one pixel, the"
                        + " first maximum row by row, made the output" + on);
            }
            if (same(g, pooled(x0, dy0, size, stride, Route.OVERWRITE))) {
                return fail("where windows overlap, a pixel that is the maximum of two windows keeps one window's gradient:"
                        + " it passed its value to both outputs, so it gets the sum" + on);
            }
            if (same(g, pooled(x0, dy0, size, stride, Route.WHOLE_WINDOW))) {
                return fail("every pixel of a window gets its gradient: only the maximum reached the output" + on);
            }
            return fail("your dL/dx: " + Compare.diff(g, want.toArray()).describe(Where.flat(x0.shape())) + on);
        }
        return pass("your max pooling backward equals the engine's, with ties and with overlapping windows");
    }

    // ---- cases and references --------------------------------------------------------------------

    /** A random convolution: images, filters, dy, and the engine's graph L = sum(conv2d(x, f) · dy). */
    private static final class Case {
        final int stride, padding;
        final Tensor x, f, dy;
        final ComputationalGraph cg = new ComputationalGraph();
        final Connection input = cg.input("x"), filters, y, loss;

        Case(Random r, int stride, int padding) {
            this(stride, padding, tensor(r, 2, 0, 4 + r.nextInt(3), 4 + r.nextInt(3)), r); // two images: the batch adds up
        }

        /** Images x with C channels (dimension 1 of x; 0 there draws 1 or 2), random filters and dy. */
        private Case(int stride, int padding, Tensor x, Random r) {
            this(stride, padding, x, tensor(r, 1 + r.nextInt(2), x.dim(1), 0, 2 + r.nextInt(2)), null, r);
        }

        private Case(int stride, int padding, Tensor x, Tensor f, Tensor dy, Random r) {
            this.stride = stride;
            this.padding = padding;
            this.x = x;
            this.f = f;
            filters = cg.variable(f, "f");
            y = cg.conv2d(input, filters, stride, padding);
            int[] ys = new SimulationContext().forward(cg, Map.of(input, x)).value(y).shape();
            this.dy = dy != null ? dy : Tensor.wrap(normal(r, 1, Shapes.size(ys)).toArray(), ys);
            loss = cg.reduceSum(cg.multiply(y, cg.constant(this.dy)));
        }

        /** The same case for the first image alone. */
        Case firstImage() {
            int[] xs = x.shape(), ys = dy.shape();
            Tensor x1 = Tensor.wrap(Arrays.copyOf(x.toArray(), x.size() / xs[0]), 1, xs[1], xs[2], xs[3]);
            Tensor dy1 = Tensor.wrap(Arrays.copyOf(dy.toArray(), dy.size() / ys[0]), 1, ys[1], ys[2], ys[3]);
            return new Case(stride, padding, x1, f, dy1, null);
        }

        SimulationContext engine() {
            return new SimulationContext().forward(cg, Map.of(input, x));
        }

        String on() {
            return " (for x " + Compare.shape(x) + ", f " + Compare.shape(f) + ", stride " + stride + ", padding " + padding + ")";
        }

        /**
         * Normal values of shape [a, b, h, w]: b = 0 draws 1 or 2 channels; h = 0 makes a square K × K of w
         * (filters [O, C, K, K]); otherwise images [N, C, h, w].
         */
        private static Tensor tensor(Random r, int a, int b, int h, int w) {
            int channels = b == 0 ? 1 + r.nextInt(2) : b, rows = h == 0 ? w : h;
            return Tensor.wrap(normal(r, 1, a * channels * rows * w).toArray(), a, channels, rows, w);
        }
    }

    /** The forward by loops, with one of two classic slips when asked: the filter flipped, the padding not subtracted. */
    private static double[] naive(Case c, boolean flipped, boolean unshifted) {
        int n = c.x.dim(0), ch = c.x.dim(1), h = c.x.dim(2), w = c.x.dim(3), o = c.f.dim(0), k = c.f.dim(2);
        int oh = (h + 2 * c.padding - k) / c.stride + 1, ow = (w + 2 * c.padding - k) / c.stride + 1;
        double[] y = new double[n * o * oh * ow];
        int shift = unshifted ? 0 : c.padding;
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < o; f++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = 0;
                        for (int q = 0; q < ch; q++) {
                            for (int u = 0; u < k; u++) {
                                for (int v = 0; v < k; v++) {
                                    int rr = i * c.stride - shift + u, cc = j * c.stride - shift + v;
                                    if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
                                    double weight = flipped ? c.f.get(f, q, k - 1 - u, k - 1 - v) : c.f.get(f, q, u, v);
                                    s += weight * c.x.get(b, q, rr, cc);
                                }
                            }
                        }
                        y[((b * o + f) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return y;
    }

    private enum Route { LAST_MAX, EVERY_MAX, OVERWRITE, WHOLE_WINDOW }

    /** Max pooling's backward gone wrong in one of the classic ways. */
    private static double[] pooled(Tensor x, Tensor dy, int size, int stride, Route route) {
        int n = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3), oh = dy.dim(2), ow = dy.dim(3);
        double[] dx = new double[x.size()];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < ch; c++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double g = dy.get(b, c, i, j), max = Double.NEGATIVE_INFINITY;
                        int at = -1;
                        for (int u = 0; u < size; u++) {
                            for (int v = 0; v < size; v++) {
                                double value = x.get(b, c, i * stride + u, j * stride + v);
                                int flat = ((b * ch + c) * h + i * stride + u) * w + j * stride + v;
                                if (route == Route.WHOLE_WINDOW) dx[flat] += g;
                                if (value > max || (route == Route.LAST_MAX && value == max)) {
                                    max = value;
                                    at = flat;
                                }
                            }
                        }
                        if (route == Route.LAST_MAX) dx[at] += g;
                        if (route == Route.OVERWRITE) dx[at] = g;
                        if (route == Route.EVERY_MAX) {
                            for (int u = 0; u < size; u++) {
                                for (int v = 0; v < size; v++) {
                                    if (x.get(b, c, i * stride + u, j * stride + v) == max) {
                                        dx[((b * ch + c) * h + i * stride + u) * w + j * stride + v] += g;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static boolean same(double[] got, double[] candidate) {
        return got.length == candidate.length && matches(got, i -> candidate[i], got.length);
    }
}
