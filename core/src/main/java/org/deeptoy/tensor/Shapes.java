package org.deeptoy.tensor;

import java.util.Arrays;

/** Shape arithmetic: sizes, strides, numpy broadcasting and its reverse (summing a gradient back). */
public final class Shapes {
    private Shapes() {}

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The number of elements, rejecting negative sizes and more than 2^31 - 1 elements. */
    public static int checkedSize(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("shape " + toString(shape) + " has a negative size");
            n *= s;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + toString(shape) + " has too many elements for one tensor");
            }
        }
        return (int) n;
    }

    public static int size(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Row-major strides (in elements). */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** Normalises a possibly negative axis; {@code what} names the caller in the error. */
    public static int axis(int axis, int rank, String what) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(what + ": axis " + axis + " is out of range for a tensor with "
                    + rank + " axes");
        }
        return a;
    }

    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = shape[i] == 0 ? 0 : flat % shape[i];
            flat = shape[i] == 0 ? 0 : flat / shape[i];
        }
        return idx;
    }

    /** Resolves one {@code -1} in a reshape target and checks the element count. */
    public static int[] resolveReshape(int[] from, int[] to) {
        int n = size(from);
        int[] s = to.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (unknown >= 0) throw new IllegalArgumentException("reshape " + toString(from) + " -> " + toString(to)
                        + ": only one size may be -1");
                unknown = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape " + toString(from) + " -> " + toString(to)
                        + ": sizes must be positive (or -1 once)");
            } else {
                known *= s[i];
            }
        }
        if (unknown >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("reshape " + toString(from) + " -> " + toString(to) + ": " + n
                        + " values do not divide into that shape");
            }
            s[unknown] = (int) (n / known);
        } else if (known != n) {
            throw new IllegalArgumentException("reshape " + toString(from) + " -> " + toString(to) + ": " + n
                    + " values cannot become " + known);
        }
        return s;
    }

    /** The numpy broadcast of two shapes, or null when they are incompatible. */
    public static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da == db || db == 1) out[i] = da;
            else if (da == 1) out[i] = db;
            else return null;
        }
        return out;
    }

    /** True when {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(int[] from, int[] to) {
        int[] b = broadcast(from, to);
        return b != null && Arrays.equals(b, to);
    }

    /**
     * For each position of the (broadcast) output of shape {@code out}, the flat position in an
     * input of shape {@code in}. Computed once per op call; cheap next to the arithmetic.
     */
    public static int[] broadcastIndex(int[] in, int[] out) {
        int r = out.length, off = r - in.length;
        int[] inStrides = strides(in);
        int[] st = new int[r];
        for (int i = 0; i < r; i++) st[i] = i < off || in[i - off] == 1 ? 0 : inStrides[i - off];
        return stridedIndex(out, st);
    }

    /**
     * Walks the positions of {@code shape} in row-major order and gives, for each, the flat
     * position {@code Σ index[i] * strides[i]} in some storage: a stride of 0 repeats (broadcast),
     * permuted strides transpose.
     */
    public static int[] stridedIndex(int[] shape, int[] strides) {
        int n = size(shape), r = shape.length;
        int[] map = new int[n];
        int[] idx = new int[r];
        int pos = 0;
        for (int k = 0; k < n; k++) {
            map[k] = pos;
            for (int i = r - 1; i >= 0; i--) {
                idx[i]++;
                pos += strides[i];
                if (idx[i] < shape[i]) break;
                pos -= strides[i] * idx[i];
                idx[i] = 0;
            }
        }
        return map;
    }

    /**
     * When {@code in} broadcasts to {@code out} by repeating one block of {@code out}'s trailing
     * axes (a bias [n] against [B, n], a scalar against anything), the block's size, so kernels
     * can walk it without an index map; otherwise (or for empty shapes) -1.
     */
    public static int trailingBlock(int[] in, int[] out) {
        int s = 0;
        while (s < in.length && in[s] == 1) s++;
        int t = in.length - s;
        if (t > out.length) return -1;
        int block = 1;
        for (int j = 0; j < t; j++) {
            if (in[s + j] != out[out.length - t + j]) return -1;
            block *= in[s + j];
        }
        return block > 0 && size(out) > 0 ? block : -1;
    }

    /**
     * When {@code in} broadcasts to {@code out} by repeating one contiguous block of its values (a
     * scalar; a bias [k] against [n, k]; a per-channel [C, 1, 1] against [N, C, H, W]; or no
     * repetition at all), the loop shape {@code {outer, mid, inner}}: {@code out} is
     * [outer, mid, inner] in row-major order and its position (o, m, i) holds {@code in[m]}, so
     * kernels can walk it with plain loops instead of an index map. Otherwise (and for empty
     * shapes) null.
     */
    public static int[] blockBroadcast(int[] in, int[] out) {
        int off = out.length - in.length;
        if (off < 0) return null;
        int s = 0, e = in.length;
        while (s < e && in[s] == 1) s++;
        while (e > s && in[e - 1] == 1) e--;
        long outer = 1, mid = 1, inner = 1;
        for (int i = 0; i < off + s; i++) outer *= out[i];
        for (int i = s; i < e; i++) {
            if (in[i] != out[off + i]) return null;
            mid *= in[i];
        }
        for (int i = off + e; i < out.length; i++) inner *= out[i];
        if (outer * mid * inner == 0) return null;
        if (mid == 1) return new int[] {1, 1, (int) (outer * inner)}; // one value: a single run
        return new int[] {(int) outer, (int) mid, (int) inner};
    }

    /** Expands {@code t} to shape {@code to} by numpy broadcasting (copying). */
    public static Tensor expand(Tensor t, int[] to) {
        if (Arrays.equals(t.shape(), to)) return t;
        int[] blk = blockBroadcast(t.shape(), to);
        if (blk != null) {
            double[] src = t.data(), d = new double[blk[0] * blk[1] * blk[2]];
            int pos = 0, mid = blk[1], inner = blk[2];
            for (int o = 0; o < blk[0]; o++) {
                if (inner == 1) {
                    System.arraycopy(src, 0, d, pos, mid);
                    pos += mid;
                    continue;
                }
                for (int m = 0; m < mid; m++, pos += inner) Arrays.fill(d, pos, pos + inner, src[m]);
            }
            return Tensor.wrap(d, to);
        }
        int[] map = broadcastIndex(t.shape(), to);
        double[] src = t.data(), d = new double[map.length];
        for (int i = 0; i < d.length; i++) d[i] = src[map[i]];
        return Tensor.wrap(d, to);
    }

    /**
     * The reverse of broadcasting: sums {@code grad} (of a broadcast shape) down to {@code shape}.
     * This is what makes {@code W·x + b} give {@code b} the sum of the per-example gradients.
     */
    public static Tensor sumTo(Tensor grad, int[] shape) {
        if (Arrays.equals(grad.shape(), shape)) return grad;
        double[] g = grad.data(), d = new double[size(shape)];
        int[] blk = blockBroadcast(shape, grad.shape());
        if (blk != null) { // the bias cases; each d[m] adds its terms in the same order as the index map below
            int pos = 0, mid = blk[1], inner = blk[2];
            for (int o = 0; o < blk[0]; o++) {
                if (inner == 1) {
                    for (int m = 0; m < mid; m++) d[m] += g[pos + m];
                    pos += mid;
                    continue;
                }
                int m = 0;
                for (; m + 4 <= mid; m += 4, pos += 4 * inner) sum4(g, pos, inner, d, m);
                for (; m < mid; m++) {
                    double s = d[m];
                    for (int end = pos + inner; pos < end; pos++) s += g[pos];
                    d[m] = s;
                }
            }
            return Tensor.wrap(d, shape);
        }
        int[] map = broadcastIndex(shape, grad.shape());
        for (int i = 0; i < g.length; i++) d[map[i]] += g[i];
        return Tensor.wrap(d, shape);
    }

    /**
     * Adds the four runs of {@code inner} terms from {@code pos} onto d[m .. m + 3], each run in
     * order, the four side by side: one run alone waits on each addition's latency (a conv bias's
     * gradient sums 784 pixels per channel; sumTo held ~4% of a CNN epoch's JFR samples); four
     * independent sums give the same bits.
     */
    private static void sum4(double[] g, int pos, int inner, double[] d, int m) {
        double s0 = d[m], s1 = d[m + 1], s2 = d[m + 2], s3 = d[m + 3];
        for (int i = pos, end = pos + inner; i < end; i++) {
            s0 += g[i];
            s1 += g[i + inner];
            s2 += g[i + 2 * inner];
            s3 += g[i + 3 * inner];
        }
        d[m] = s0;
        d[m + 1] = s1;
        d[m + 2] = s2;
        d[m + 3] = s3;
    }
}
