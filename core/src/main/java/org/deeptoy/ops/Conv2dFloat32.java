package org.deeptoy.ops;

import org.deeptoy.ops.Conv2d.Geometry;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * {@link Conv2d}'s kernels in float32, for training: the same im2col + matrix products as the
 * float64 path beside them in Conv2d, on float buffers (half the memory traffic of the im2col
 * matrix, OpenBLAS's float kernel). Inputs and results stay doubles; the images are rounded to
 * float as im2col copies them, and the products are rounded back as they are laid out.
 */
final class Conv2dFloat32 {
    private Conv2dFloat32() {}

    static Tensor forward(Tensor in, Tensor filters, Geometry g, int step) {
        int plane = g.oh() * g.ow();
        float[] f = toFloat(filters.data());
        float[] cols = new float[g.k() * step * plane], yc = new float[g.o() * step * plane];
        double[] y = new double[g.n() * g.o() * plane];
        for (int n0 = 0; n0 < g.n(); n0 += step) {
            int b = Math.min(step, g.n() - n0);
            im2col(in.data(), g, n0, b, cols);
            Blas.current().gemm(false, false, g.o(), b * plane, g.k(), 1f, f, cols, 0f, yc);
            for (int o = 0; o < g.o(); o++) {
                for (int n = 0; n < b; n++) {
                    int src = (o * b + n) * plane, dst = ((n0 + n) * g.o() + o) * plane;
                    for (int p = 0; p < plane; p++) y[dst + p] = yc[src + p];
                }
            }
        }
        return Tensor.wrap(y, g.n(), g.o(), g.oh(), g.ow());
    }

    static Tensor[] backward(Tensor in, Tensor filters, Tensor dout, boolean[] need, Geometry g, int step) {
        int plane = g.oh() * g.ow();
        float[] f = toFloat(filters.data());
        float[] cols = new float[g.k() * step * plane], dyc = new float[g.o() * step * plane];
        float[] df = need[1] ? new float[g.o() * g.k()] : null;
        double[] dx = need[0] ? new double[in.size()] : null, dy = dout.data();
        for (int n0 = 0; n0 < g.n(); n0 += step) {
            int b = Math.min(step, g.n() - n0), width = b * plane;
            for (int o = 0; o < g.o(); o++) { // dY of these images as [O, b·P]
                for (int n = 0; n < b; n++) {
                    int src = ((n0 + n) * g.o() + o) * plane, dst = (o * b + n) * plane;
                    for (int p = 0; p < plane; p++) dyc[dst + p] = (float) dy[src + p];
                }
            }
            if (need[1]) {
                im2col(in.data(), g, n0, b, cols);
                Blas.current().gemm(false, true, g.o(), g.k(), width, 1f, dyc, cols, n0 == 0 ? 0f : 1f, df);
            }
            if (need[0]) {
                Blas.current().gemm(true, false, g.k(), width, g.o(), 1f, f, dyc, 0f, cols);
                col2im(cols, g, n0, b, dx);
            }
        }
        Tensor dfilters = null;
        if (need[1]) {
            double[] d = new double[df.length];
            for (int i = 0; i < d.length; i++) d[i] = df[i];
            dfilters = Tensor.wrap(d, filters.shape());
        }
        return new Tensor[] {need[0] ? Tensor.wrap(dx, in.shape()) : null, dfilters};
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) x[i];
        return f;
    }

    /** As Conv2d's im2col, rounding to float: cols[(c·KH + u)·KW + v, (n·OH + i)·OW + j] = X[n, c, i·s - p + u, j·s - p + v]. */
    private static void im2col(double[] x, Geometry g, int n0, int b, float[] cols) {
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
                                for (int j = jLo; j < jHi; j++) cols[dst + j] = (float) x[from + j];
                            } else {
                                for (int j = jLo; j < jHi; j++) cols[dst + j] = (float) x[from + j * s];
                            }
                            Arrays.fill(cols, dst + jHi, dst + ow, 0f);
                        }
                    }
                }
            }
        }
    }

    /** As Conv2d's col2im: adds each column entry onto the pixel of dx it was copied from. */
    private static void col2im(float[] cols, Geometry g, int n0, int b, double[] dx) {
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
