package org.deeptoy.ops;

import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Parallel;
import org.deeptoy.tensor.Tensor;

/**
 * Max pooling over size x size windows moved by a stride, per image and channel, on NCHW input
 * X [N, C, H, W]:
 * <pre>
 *   Y[n, c, i, j] = max over 0 ≤ u, v &lt; size of X[n, c, i·s + u, j·s + v]
 *   Y has shape [N, C, OH, OW] with OH = ⌊(H - size) / s⌋ + 1, OW = ⌊(W - size) / s⌋ + 1
 *   dL/dX[n, c, a, b] = Σ over the windows whose argmax is (a, b) of dL/dY[n, c, i, j]
 * </pre>
 * The argmax of a window with ties is its first maximum in row-major order (top row first, then
 * left to right). Rows and columns past the last whole window are ignored (get no gradient);
 * windows overlap when the stride is smaller than the size, and then gradients add up.
 */
public final class MaxPool2d extends Node {
    private final int size;
    private final int stride;

    public MaxPool2d(int size, int stride) {
        super("maxPool2d");
        if (size < 1) throw new DeepToyException("maxPool2d: size must be at least 1 but is " + size);
        if (stride < 1) throw new DeepToyException("maxPool2d: stride must be at least 1 but is " + stride);
        this.size = size;
        this.stride = stride;
    }

    @Override
    public String attributes() {
        return "size=" + size + ", stride=" + stride;
    }

    @Override
    protected Tensor forward(Tensor[] in) {
        return pool(in[0], null);
    }

    /**
     * In training the forward also notes each window's argmax, so the backward scatters dL/dY
     * without scanning the windows again (the scan was most of this op's time in a CNN step).
     */
    @Override
    protected Tensor forward(Tensor[] in, Pass pass) {
        if (!pass.training()) return forward(in);
        Tensor x = in[0];
        int[] s = outputShape(x);
        int[] argmax = new int[s[0] * s[1] * s[2] * s[3]];
        Tensor y = pool(x, argmax);
        pass.keep(this, new Argmax(y, argmax));
        return y;
    }

    /** The flat index into X of each output's maximum, for the pass whose output is {@code y}. */
    private record Argmax(Tensor y, int[] index) {}

    /** Y, and each window's argmax into {@code argmax} when it is not null. */
    private Tensor pool(Tensor in, int[] argmax) {
        int[] s = outputShape(in);
        int h = in.dim(2), w = in.dim(3), oh = s[2], ow = s[3];
        double[] x = in.data(), y = new double[s[0] * s[1] * oh * ow];
        Parallel.run(s[0] * s[1], grain(h * w), (part, first, end) -> {
            int out = first * oh * ow;
            for (int plane = first; plane < end; plane++) {
                int base = plane * h * w;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++, out++) {
                        int corner = base + i * stride * w + j * stride;
                        if (size == 2 && argmax != null) {
                            argmax[out] = max2(x, corner, w, y, out);
                            continue;
                        }
                        y[out] = max(x, corner, w);
                        if (argmax != null) argmax[out] = firstEqual(x, corner, w, y[out]);
                    }
                }
            }
        });
        return Tensor.wrap(y, s);
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need, Pass pass) {
        Argmax kept = pass.kept(this);
        if (!need[0] || kept == null || kept.y() != out) return backward(in, out, dout, need);
        double[] dy = dout.data(), dx = new double[in[0].size()];
        int[] index = kept.index(), s = outputShape(in[0]);
        int perPlane = s[2] * s[3];
        // a plane's outputs scatter into the same plane of dx: parts of whole planes never meet
        Parallel.run(s[0] * s[1], grain(in[0].dim(2) * in[0].dim(3)), (part, first, end) -> {
            for (int o = first * perPlane; o < end * perPlane; o++) dx[index[o]] += dy[o];
        });
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }

    @Override
    protected Tensor[] backward(Tensor[] in, Tensor out, Tensor dout, boolean[] need) {
        if (!need[0]) return new Tensor[1];
        int[] s = outputShape(in[0]);
        int h = in[0].dim(2), w = in[0].dim(3), oh = s[2], ow = s[3];
        double[] x = in[0].data(), y = out.data(), dy = dout.data(), dx = new double[x.length];
        int o = 0;
        for (int plane = 0; plane < s[0] * s[1]; plane++) {
            int base = plane * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++, o++) {
                    dx[firstEqual(x, base + i * stride * w + j * stride, w, y[o])] += dy[o];
                }
            }
        }
        return new Tensor[] {Tensor.wrap(dx, in[0].shape())};
    }

    /** Planes per part ({@link Parallel}): enough pixels that a part is worth a thread. */
    private static int grain(int pixelsPerPlane) {
        return Math.max(1, 32768 / Math.max(1, pixelsPerPlane));
    }

    /**
     * A 2x2 window's maximum into y[out], returning the flat index of its first maximum. Branch
     * free: where the maximum lies is random on real data, and branches on it mispredict (measured
     * 4x slower). An element below the maximum m has a negative {@code (v - m) + 0.0} (the + 0.0
     * turns -0.0 - 0.0 into +0.0, so -0.0 counts as equal to 0.0, as {@code ==} says).
     */
    private int max2(double[] x, int corner, int w, double[] y, int out) {
        double a = x[corner], b = x[corner + 1], c = x[corner + w], d = x[corner + w + 1];
        double m = Math.max(Math.max(a, b), Math.max(c, d));
        y[out] = m;
        if (!(Math.abs(m) <= Double.MAX_VALUE)) return firstEqual(x, corner, w, m); // NaN or infinite: v - m fails
        int na = below(a, m), nb = below(b, m), nc = below(c, m);
        int k = na * (1 + nb * (1 + nc)); // 0 to 3: the first of a, b, c, d not below m
        return corner + (k & 1) + (k >> 1) * w;
    }

    /** 1 when v < m, 0 when v == m (v ≤ m, m finite). */
    private static int below(double v, double m) {
        return (int) (Double.doubleToRawLongBits((v - m) + 0.0) >>> 63);
    }

    /** The maximum of the window whose top-left element is {@code corner}. */
    private double max(double[] x, int corner, int w) {
        if (size == 2) { // the common case, unrolled; Math.max gives the same value in any order
            return Math.max(Math.max(x[corner], x[corner + 1]), Math.max(x[corner + w], x[corner + w + 1]));
        }
        double max = x[corner];
        for (int u = 0; u < size; u++) {
            int row = corner + u * w;
            for (int v = 0; v < size; v++) max = Math.max(max, x[row + v]);
        }
        return max;
    }

    /**
     * The flat index of the first element of the window equal to its maximum {@code m}, i.e. the
     * argmax with ties to the first in row-major order. Scanning backwards without an early exit
     * compiles to conditional moves: on real data the position of the maximum is random, and a
     * branch on it mispredicts (measured 2-3x slower).
     */
    private int firstEqual(double[] x, int corner, int w, double m) {
        int best = corner;
        for (int u = size - 1; u >= 0; u--) {
            int row = corner + u * w;
            for (int v = size - 1; v >= 0; v--) best = x[row + v] == m ? row + v : best;
        }
        return best;
    }

    private int[] outputShape(Tensor x) {
        if (x.rank() != 4) {
            throw error("the input must have 4 axes [batch, channels, height, width] but has shape " + shape(x)
                    + (x.rank() == 3 ? "; for a single image reshape it to [1, " + x.dim(0) + ", " + x.dim(1)
                    + ", " + x.dim(2) + "]" : ""));
        }
        int h = x.dim(2), w = x.dim(3);
        if (size > h || size > w) {
            throw error("a " + size + "x" + size + " window does not fit the " + h + "x" + w + " images of shape "
                    + shape(x) + "; use a smaller size");
        }
        return new int[] {x.dim(0), x.dim(1), (h - size) / stride + 1, (w - size) / stride + 1};
    }
}
