package org.deeptoy.ops;

import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of an NCHW input
 * X [N, C, H, W] with OIHW filters F [O, C, KH, KW], stride s and zero padding p:
 * <pre>
 *   Y[n, o, i, j] = Σ_c Σ_u Σ_v F[o, c, u, v] · X[n, c, i·s - p + u, j·s - p + v]   (X = 0 outside)
 *   Y has shape [N, O, OH, OW] with OH = ⌊(H + 2p - KH) / s⌋ + 1, OW = ⌊(W + 2p - KW) / s⌋ + 1
 * </pre>
 * Computed as matrix products: im2col lays every receptive field of a group of B images out as a
 * column, {@code cols [C·KH·KW, B·OH·OW]}, so that {@code Yc = F · cols} with F seen as a
 * [O, C·KH·KW] matrix; Yc [O, B·OH·OW] is then rearranged to NCHW. Backward, with dY rearranged
 * to the same column order {@code dYc [O, B·OH·OW]}, summed over the groups:
 * <pre>
 *   dL/dF = dYc · colsᵀ
 *   dL/dX = col2im(Fᵀ · dYc)     (col2im adds each column back onto the pixels it was copied from)
 * </pre>
 * The transposes are BLAS flags, not copies. A bias is not part of conv2d: add one of shape
 * [O, 1, 1] with {@code sum}, which broadcasts it over the batch and the pixels.
 *
 * <p>In a {@link Precision#FLOAT32} pass (training) the im2col matrices and products are float32
 * ({@link Conv2dFloat32}); the result is rounded back into doubles.
 */
public final class Conv2d extends Node {
    private final int stride;
    private final int padding;

    public Conv2d(int stride, int padding) {
        super("conv2d");
        if (stride < 1) {
            throw new DeepToyException("conv2d: stride must be at least 1 but is " + stride);
        }
        if (padding < 0) {
            throw new DeepToyException("conv2d: padding must be 0 or more but is " + padding);
        }
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public String attributes() {
        return "stride=" + stride + ", padding=" + padding;
    }

    /**
     * Images per matrix product, 0 for {@link #imagesPerProduct automatic}; package-private so
     * tests and the benchmark can set it.
     */
    static int chunk = 0;

    /**
     * A few images per product, so that their im2col matrix (at most 256 KB unless one image needs
     * more) stays in the core's cache between im2col, the product and col2im. Measured at the MNIST
     * CNN's shapes, batch 64: 1.3-2.7x faster than one product over the whole batch on OpenBLAS and
     * 1.2-1.4x on EJML, whose large products are no faster than small ones.
     */
    private static int imagesPerProduct(Geometry g) {
        if (chunk > 0) return Math.min(chunk, g.n);
        long perImage = (long) g.k * g.oh * g.ow;
        return (int) Math.max(1, Math.min(g.n, 32768 / perImage));
    }

    @Override
    protected Tensor forward(Tensor[] x, Pass pass) {
        if (pass.precision() != Precision.FLOAT32) return forward(x);
        Geometry g = geometry(x[0], x[1]);
        return Conv2dFloat32.forward(x[0], x[1], g, imagesPerProduct(g));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        if (pass.precision() != Precision.FLOAT32) return backward(x, y, dy, need);
        if (!need[0] && !need[1]) return new Tensor[2];
        Geometry g = geometry(x[0], x[1]);
        return Conv2dFloat32.backward(x[0], x[1], dy, need, g, imagesPerProduct(g));
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Geometry g = geometry(x[0], x[1]);
        int step = imagesPerProduct(g), plane = g.oh * g.ow;
        double[] cols = new double[g.k * step * plane], yc = new double[g.o * step * plane];
        double[] y = new double[g.n * g.o * plane];
        for (int n0 = 0; n0 < g.n; n0 += step) {
            int b = Math.min(step, g.n - n0), width = b * plane;
            im2col(x[0].data(), g, n0, b, cols);
            Blas.current().gemm(false, false, g.o, width, g.k, 1, x[1].data(), cols, 0, yc);
            columnsToImages(yc, y, g, n0, b);
        }
        return Tensor.wrap(y, g.n, g.o, g.oh, g.ow);
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        if (!need[0] && !need[1]) return new Tensor[2];
        Geometry g = geometry(x[0], x[1]);
        int step = imagesPerProduct(g), plane = g.oh * g.ow;
        double[] cols = new double[g.k * step * plane], dyc = new double[g.o * step * plane];
        double[] df = need[1] ? new double[g.o * g.k] : null;
        double[] dx = need[0] ? new double[x[0].size()] : null;
        for (int n0 = 0; n0 < g.n; n0 += step) {
            int b = Math.min(step, g.n - n0), width = b * plane;
            imagesToColumns(dy.data(), dyc, g, n0, b);
            if (need[1]) {
                im2col(x[0].data(), g, n0, b, cols);
                Blas.current().gemm(false, true, g.o, g.k, width, 1, dyc, cols, n0 == 0 ? 0 : 1, df);
            }
            if (need[0]) {
                // cols is free again: reuse it for dL/dcols
                Blas.current().gemm(true, false, g.k, width, g.o, 1, x[1].data(), dyc, 0, cols);
                col2im(cols, g, n0, b, dx);
            }
        }
        return new Tensor[] {need[0] ? Tensor.wrap(dx, x[0].shape()) : null, need[1] ? Tensor.wrap(df, x[1].shape()) : null};
    }

    /** Sizes of one call; {@code k} is the rows of the im2col matrix. */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow, int s, int p, int k) {
    }

    private Geometry geometry(Tensor in, Tensor f) {
        if (in.rank() != 4) {
            throw error("the input must have 4 axes [batch, channels, height, width] but has shape " + shape(in)
                    + (in.rank() == 3 ? "; for a single image reshape it to [1, " + in.dim(0) + ", " + in.dim(1)
                    + ", " + in.dim(2) + "]" : "")
                    + (in.rank() == 2 ? "; for one grey image reshape it to [1, 1, " + in.dim(0) + ", " + in.dim(1) + "]" : ""));
        }
        if (f.rank() != 4) {
            throw error("the filters must have 4 axes [out channels, in channels, height, width] but have shape "
                    + shape(f));
        }
        int n = in.dim(0), c = in.dim(1), h = in.dim(2), w = in.dim(3);
        int o = f.dim(0), kh = f.dim(2), kw = f.dim(3);
        if (f.dim(1) != c) {
            throw error("input has " + c + " channels but filters expect " + f.dim(1) + ": " + shape(in) + " vs " + shape(f)
                    + " (axis 1 of both must agree)");
        }
        int ph = h + 2 * padding, pw = w + 2 * padding;
        if (kh > ph || kw > pw) {
            throw error("filters of " + kh + "x" + kw + " do not fit the input of " + h + "x" + w
                    + (padding > 0 ? " padded to " + ph + "x" + pw : "") + ": " + shape(in) + " vs " + shape(f)
                    + "; use smaller filters or more padding");
        }
        if (n == 0 || c == 0 || o == 0 || kh == 0 || kw == 0) {
            throw error("no axis may be empty: " + shape(in) + " vs " + shape(f));
        }
        int oh = (ph - kh) / stride + 1, ow = (pw - kw) / stride + 1;
        long k = (long) c * kh * kw, plane = (long) oh * ow;
        if (k * plane > Integer.MAX_VALUE - 8 || (long) n * o * plane > Integer.MAX_VALUE - 8) {
            throw error("the output " + Shapes.toString(new int[] {n, o, oh, ow}) + " or one image's im2col matrix ["
                    + k + ", " + plane + "] has more than 2^31 values: use smaller batches or images");
        }
        return new Geometry(n, c, h, w, o, kh, kw, oh, ow, stride, padding, (int) k);
    }

    /**
     * cols[(c·KH + u)·KW + v, (n·OH + i)·OW + j] = X[n, c, i·s - p + u, j·s - p + v], 0 in the padding.
     * Writes every element of {@code cols}, so it needs no zeroing.
     */
    private static void im2col(double[] x, Geometry g, int n0, int b, double[] cols) {
        int plane = g.oh * g.ow, rowLen = b * plane;
        for (int c = 0; c < g.c; c++) {
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++) {
                    int row = ((c * g.kh + u) * g.kw + v) * rowLen;
                    int jLo = firstInside(v, g.p, g.s), jHi = endInside(v, g.p, g.s, g.w, g.ow);
                    for (int n = 0; n < b; n++) {
                        int src = ((n0 + n) * g.c + c) * g.h * g.w;
                        int dstImage = row + n * plane;
                        for (int i = 0; i < g.oh; i++) {
                            int dst = dstImage + i * g.ow;
                            int r = i * g.s - g.p + u;
                            if (r < 0 || r >= g.h || jLo >= jHi) {
                                java.util.Arrays.fill(cols, dst, dst + g.ow, 0);
                                continue;
                            }
                            java.util.Arrays.fill(cols, dst, dst + jLo, 0);
                            int from = src + r * g.w - g.p + v;
                            if (g.s == 1) {
                                System.arraycopy(x, from + jLo, cols, dst + jLo, jHi - jLo);
                            } else {
                                for (int j = jLo; j < jHi; j++) cols[dst + j] = x[from + j * g.s];
                            }
                            java.util.Arrays.fill(cols, dst + jHi, dst + g.ow, 0);
                        }
                    }
                }
            }
        }
    }

    /** The inverse scatter of {@link #im2col}: adds each column entry onto its pixel of dx. */
    private static void col2im(double[] cols, Geometry g, int n0, int b, double[] dx) {
        int plane = g.oh * g.ow, rowLen = b * plane;
        for (int c = 0; c < g.c; c++) {
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++) {
                    int row = ((c * g.kh + u) * g.kw + v) * rowLen;
                    int jLo = firstInside(v, g.p, g.s), jHi = endInside(v, g.p, g.s, g.w, g.ow);
                    for (int n = 0; n < b; n++) {
                        int dstImage = ((n0 + n) * g.c + c) * g.h * g.w;
                        int srcImage = row + n * plane;
                        for (int i = 0; i < g.oh; i++) {
                            int r = i * g.s - g.p + u;
                            if (r < 0 || r >= g.h) continue;
                            int src = srcImage + i * g.ow;
                            int to = dstImage + r * g.w - g.p + v;
                            for (int j = jLo; j < jHi; j++) dx[to + j * g.s] += cols[src + j];
                        }
                    }
                }
            }
        }
    }

    /** The first output column j whose input column j·s - p + v is not in the left padding. */
    static int firstInside(int v, int p, int s) {
        return p - v <= 0 ? 0 : (p - v + s - 1) / s;
    }

    /** One past the last output column j whose input column j·s - p + v is inside the image of width w. */
    static int endInside(int v, int p, int s, int w, int ow) {
        int last = w - 1 + p - v;   // j·s <= last
        return last < 0 ? 0 : Math.min(ow, last / s + 1);
    }

    /** [O, b·P] (the gemm's layout) to images n0 .. n0 + b - 1 of [N, O, P] (NCHW). */
    private static void columnsToImages(double[] yc, double[] y, Geometry g, int n0, int b) {
        int plane = g.oh * g.ow;
        for (int o = 0; o < g.o; o++) {
            for (int n = 0; n < b; n++) {
                System.arraycopy(yc, (o * b + n) * plane, y, ((n0 + n) * g.o + o) * plane, plane);
            }
        }
    }

    /** Images n0 .. n0 + b - 1 of [N, O, P] (NCHW) to [O, b·P]. */
    private static void imagesToColumns(double[] y, double[] yc, Geometry g, int n0, int b) {
        int plane = g.oh * g.ow;
        for (int o = 0; o < g.o; o++) {
            for (int n = 0; n < b; n++) {
                System.arraycopy(y, ((n0 + n) * g.o + o) * plane, yc, (o * b + n) * plane, plane);
            }
        }
    }
}
