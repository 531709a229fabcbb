package org.deeptoy.ops;

import org.deeptoy.ops.Conv2d.Geometry;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Parallel;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * {@link Conv2d}'s kernels in float32, for training: the same im2col + matrix products as the
 * float64 path beside them in Conv2d, on float buffers (half the memory traffic of the im2col
 * matrix, OpenBLAS's float kernel). Inputs and results stay doubles: the input is rounded to
 * float once per call (so that im2col copies rows of floats, col2im adds them), the results are
 * widened back as they are laid out.
 */
final class Conv2dFloat32 {
    private Conv2dFloat32() {}

    static Tensor forward(Tensor in, Tensor filters, Geometry g, int step) {
        int plane = g.oh() * g.ow(), image = g.c() * g.h() * g.w();
        float[] f = toFloat(filters.data()), x = new float[in.size()];
        double[] y = new double[g.n() * g.o() * plane];
        Parallel.run(chunks(g, step), 1, (part, first, end) -> {
            float[] cols = new float[g.k() * step * plane], yc = new float[g.o() * step * plane];
            round(in.data(), x, first * step * image, Math.min(end * step, g.n()) * image);
            for (int n0 = first * step; n0 < Math.min(end * step, g.n()); n0 += step) {
                int b = Math.min(step, g.n() - n0);
                im2col(x, g, n0, b, cols);
                Blas.current().gemm(false, false, g.o(), b * plane, g.k(), 1f, f, cols, 0f, yc);
                for (int o = 0; o < g.o(); o++) {
                    for (int n = 0; n < b; n++) {
                        int src = (o * b + n) * plane, dst = ((n0 + n) * g.o() + o) * plane;
                        for (int p = 0; p < plane; p++) y[dst + p] = yc[src + p];
                    }
                }
            }
        });
        return Tensor.wrap(y, g.n(), g.o(), g.oh(), g.ow());
    }

    /**
     * The groups of images are cut into parts ({@link Parallel}); each part sums its own dL/dF, and
     * the parts' sums are added in order.
     */
    static Tensor[] backward(Tensor in, Tensor filters, Tensor dout, boolean[] need, Geometry g, int step) {
        int plane = g.oh() * g.ow(), image = g.c() * g.h() * g.w();
        float[] f = toFloat(filters.data()), x = need[1] ? new float[in.size()] : null;
        float[] dx = need[0] ? new float[in.size()] : null;
        float[][] dfParts = new float[Parallel.PARTS][];
        double[] dy = dout.data(), dxd = need[0] ? new double[in.size()] : null;
        int parts = Parallel.run(chunks(g, step), 1, (part, first, end) -> {
            int from = first * step, to = Math.min(end * step, g.n());
            float[] cols = new float[g.k() * step * plane], dyc = new float[g.o() * step * plane];
            float[] df = need[1] ? new float[g.o() * g.k()] : null;
            if (need[1]) round(in.data(), x, from * image, to * image);
            for (int n0 = from; n0 < to; n0 += step) {
                int b = Math.min(step, g.n() - n0), width = b * plane;
                for (int o = 0; o < g.o(); o++) { // dY of these images as [O, b·P]
                    for (int n = 0; n < b; n++) {
                        int src = ((n0 + n) * g.o() + o) * plane, dst = (o * b + n) * plane;
                        for (int p = 0; p < plane; p++) dyc[dst + p] = (float) dy[src + p];
                    }
                }
                if (need[1]) {
                    im2col(x, g, n0, b, cols);
                    Blas.current().gemm(false, true, g.o(), g.k(), width, 1f, dyc, cols, n0 == from ? 0f : 1f, df);
                }
                if (need[0]) {
                    Blas.current().gemm(true, false, g.k(), width, g.o(), 1f, f, dyc, 0f, cols);
                    col2im(cols, g, n0, b, dx);
                }
            }
            if (need[0]) for (int i = from * image; i < to * image; i++) dxd[i] = dx[i];
            dfParts[part] = df;
        });
        Tensor df = null;
        if (need[1]) {
            double[] sum = new double[g.o() * g.k()];
            for (int p = 0; p < parts; p++) {
                float[] part = dfParts[p];
                for (int i = 0; i < sum.length; i++) sum[i] = (float) (sum[i] + part[i]);
            }
            df = Tensor.wrap(sum, filters.shape());
        }
        return new Tensor[] {need[0] ? Tensor.wrap(dxd, in.shape()) : null, df};
    }

    /** Groups of {@code step} images, the last one maybe smaller. */
    private static int chunks(Geometry g, int step) {
        return (g.n() + step - 1) / step;
    }

    /** x[i] = (float) d[i] for i in [from, to). */
    private static void round(double[] d, float[] x, int from, int to) {
        for (int i = from; i < to; i++) x[i] = (float) d[i];
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) x[i];
        return f;
    }

    /** As Conv2d's im2col: cols[(c·KH + u)·KW + v, (n·OH + i)·OW + j] = X[n, c, i·s - p + u, j·s - p + v]. */
    private static void im2col(float[] x, Geometry g, int n0, int b, float[] cols) {
        if (sameSize(g)) {
            im2colSame(x, g, n0, b, cols);
            return;
        }
        int plane = g.oh() * g.ow(), rowLen = b * plane, s = g.s(), ow = g.ow();
        for (int c = 0; c < g.c(); c++) {
            for (int u = 0; u < g.kh(); u++) {
                for (int v = 0; v < g.kw(); v++) {
                    int row = ((c * g.kh() + u) * g.kw() + v) * rowLen;
                    int jLo = Conv2d.firstInside(v, g.p(), s), jHi = Conv2d.endInside(v, g.p(), s, g.w(), ow);
                    for (int n = 0; n < b; n++) {
                        int src = ((n0 + n) * g.c() + c) * g.h() * g.w();
                        int dstImage = row + n * plane;
                        for (int i = 0; i < g.oh(); i++) {
                            int dst = dstImage + i * ow;
                            int r = i * s - g.p() + u;
                            if (r < 0 || r >= g.h() || jLo >= jHi) {
                                Arrays.fill(cols, dst, dst + ow, 0f);
                                continue;
                            }
                            Arrays.fill(cols, dst, dst + jLo, 0f);
                            int from = src + r * g.w() - g.p() + v;
                            if (s == 1) {
                                System.arraycopy(x, from + jLo, cols, dst + jLo, jHi - jLo);
                            } else {
                                for (int j = jLo; j < jHi; j++) cols[dst + j] = x[from + j * s];
                            }
                            Arrays.fill(cols, dst + jHi, dst + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    /**
     * im2col for stride 1 and output images the size of the input ("same" padding, as in the
     * course's CNNs): output pixel (i, j) reads input pixel (i + u - p, j + v - p), a fixed offset in the
     * flat image, so the rows that lie inside are one copy; then the entries whose column fell
     * outside (and wrapped into the next or previous row) are zeroed. Rows of 14 or 28 pixels
     * copied one by one cost more in calls than in bytes.
     */
    private static void im2colSame(float[] x, Geometry g, int n0, int b, float[] cols) {
        int w = g.w(), plane = g.oh() * w, rowLen = b * plane;
        for (int c = 0; c < g.c(); c++) {
            for (int u = 0; u < g.kh(); u++) {
                int iLo = Math.max(0, g.p() - u), iHi = Math.min(g.oh(), g.h() + g.p() - u);
                for (int v = 0; v < g.kw(); v++) {
                    int row = ((c * g.kh() + u) * g.kw() + v) * rowLen, shift = (u - g.p()) * w + v - g.p();
                    int jLo = Conv2d.firstInside(v, g.p(), 1), jHi = Conv2d.endInside(v, g.p(), 1, w, w);
                    for (int n = 0; n < b; n++) {
                        int dst = row + n * plane, src = ((n0 + n) * g.c() + c) * plane;
                        // [kLo, kHi): the entries whose pixel lies in this image; the few left out wrapped, zeroed below
                        int kLo = Math.max(iLo * w, -shift), kHi = Math.min(iHi * w, plane - shift);
                        Arrays.fill(cols, dst, dst + iLo * w, 0f);
                        if (kHi > kLo) System.arraycopy(x, src + kLo + shift, cols, dst + kLo, kHi - kLo);
                        Arrays.fill(cols, dst + Math.max(iLo, iHi) * w, dst + plane, 0f);
                        zeroOutside(cols, dst, iLo, iHi, w, jLo, jHi);
                    }
                }
            }
        }
    }

    /** Stride 1 and output images the size of the input ("same" padding): one plane maps to one plane. */
    private static boolean sameSize(Geometry g) {
        return g.s() == 1 && g.ow() == g.w() && g.oh() == g.h();
    }

    /**
     * Zeroes columns outside [jLo, jHi) of rows iLo .. iHi - 1 of the plane at {@code at}. Column by
     * column: a column runs down all rows (14 or 28 stores), where a row's one or two outside
     * entries made two loops of one or two turns each (the profile's second hottest Java method).
     */
    private static void zeroOutside(float[] a, int at, int iLo, int iHi, int w, int jLo, int jHi) {
        for (int j = 0; j < jLo; j++) zeroColumn(a, at + j, iLo, iHi, w);
        for (int j = jHi; j < w; j++) zeroColumn(a, at + j, iLo, iHi, w);
    }

    private static void zeroColumn(float[] a, int at, int iLo, int iHi, int w) {
        for (int k = at + iLo * w, end = at + iHi * w; k < end; k += w) a[k] = 0f;
    }

    /**
     * col2im for stride 1 and "same" padding, the inverse of {@link #im2colSame}: the entries
     * that wrapped are zeroed in cols (scratch by now), then each inside block is added with one loop.
     */
    private static void col2imSame(float[] cols, Geometry g, int n0, int b, float[] dx) {
        int w = g.w(), plane = g.oh() * w, rowLen = b * plane;
        for (int c = 0; c < g.c(); c++) {
            for (int u = 0; u < g.kh(); u++) {
                int iLo = Math.max(0, g.p() - u), iHi = Math.min(g.oh(), g.h() + g.p() - u);
                if (iHi <= iLo) continue;
                for (int v = 0; v < g.kw(); v++) {
                    int row = ((c * g.kh() + u) * g.kw() + v) * rowLen, shift = (u - g.p()) * w + v - g.p();
                    int jLo = Conv2d.firstInside(v, g.p(), 1), jHi = Conv2d.endInside(v, g.p(), 1, w, w);
                    for (int n = 0; n < b; n++) {
                        int src = row + n * plane, to = ((n0 + n) * g.c() + c) * plane + shift;
                        zeroOutside(cols, src, iLo, iHi, w, jLo, jHi);
                        int kLo = Math.max(iLo * w, -shift), kHi = Math.min(iHi * w, plane - shift);
                        for (int k = kLo; k < kHi; k++) dx[to + k] += cols[src + k];
                    }
                }
            }
        }
    }

    /** As Conv2d's col2im: adds each column entry onto the pixel of dx it was copied from. */
    private static void col2im(float[] cols, Geometry g, int n0, int b, float[] dx) {
        if (sameSize(g)) {
            col2imSame(cols, g, n0, b, dx);
            return;
        }
        int plane = g.oh() * g.ow(), rowLen = b * plane, s = g.s(), ow = g.ow();
        for (int c = 0; c < g.c(); c++) {
            for (int u = 0; u < g.kh(); u++) {
                for (int v = 0; v < g.kw(); v++) {
                    int row = ((c * g.kh() + u) * g.kw() + v) * rowLen;
                    int jLo = Conv2d.firstInside(v, g.p(), s), jHi = Conv2d.endInside(v, g.p(), s, g.w(), ow);
                    for (int n = 0; n < b; n++) {
                        int dstImage = ((n0 + n) * g.c() + c) * g.h() * g.w();
                        int srcImage = row + n * plane;
                        for (int i = 0; i < g.oh(); i++) {
                            int r = i * s - g.p() + u;
                            if (r < 0 || r >= g.h()) continue;
                            int src = srcImage + i * ow;
                            int to = dstImage + r * g.w() - g.p() + v;
                            for (int j = jLo; j < jHi; j++) dx[to + j * s] += cols[src + j];
                        }
                    }
                }
            }
        }
    }
}
