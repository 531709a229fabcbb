package org.deeptoy.tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * An n-dimensional array of doubles: a shape and row-major storage, nothing else.
 *
 * <p>Tensors are treated as values: operations return new tensors and never modify their
 * arguments. The storage is exposed through {@link #data()} for numeric kernels; code outside
 * kernels should use {@link #get(int...)} and {@link #toArray()}.
 */
public final class Tensor {
    private final int[] shape;
    private final double[] data;

    private Tensor(double[] data, int[] shape) {
        this.shape = shape;
        this.data = data;
    }

    // ---- factories ------------------------------------------------------------------------

    /** A tensor over a copy of {@code data}, with the given shape (none means a scalar). */
    public static Tensor of(double[] data, int... shape) {
        return wrap(data.clone(), shape);
    }

    /** A tensor that uses {@code data} as its storage without copying (for kernels). */
    public static Tensor wrap(double[] data, int... shape) {
        int[] s = shape.clone();
        long n = Shapes.checkedSize(s);
        if (n != data.length) {
            throw new IllegalArgumentException("Tensor.of: shape " + Shapes.toString(s) + " holds " + n
                    + " values but " + data.length + " were given");
        }
        return new Tensor(data, s);
    }

    /** A scalar (shape {@code []}). */
    public static Tensor scalar(double value) {
        return new Tensor(new double[] {value}, new int[0]);
    }

    /** A 1-d tensor holding the given values. */
    public static Tensor vector(double... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    /** A 2-d tensor from rows of equal length. */
    public static Tensor matrix(double[]... rows) {
        int r = rows.length, c = r == 0 ? 0 : rows[0].length;
        double[] d = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) {
                throw new IllegalArgumentException("Tensor.matrix: row " + i + " has " + rows[i].length
                        + " values, row 0 has " + c);
            }
            System.arraycopy(rows[i], 0, d, i * c, c);
        }
        return new Tensor(d, new int[] {r, c});
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new double[Shapes.checkedSize(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(1.0, shape);
    }

    public static Tensor full(double value, int... shape) {
        double[] d = new double[Shapes.checkedSize(shape)];
        Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    /** Values drawn from N(0, 1), reproducible for a given seed. */
    public static Tensor randomNormal(long seed, int... shape) {
        return randomNormal(new Random(seed), 0, 1, shape);
    }

    /** Values drawn from N(mean, std²) with the given generator. */
    public static Tensor randomNormal(Random random, double mean, double std, int... shape) {
        double[] d = new double[Shapes.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) d[i] = mean + std * random.nextGaussian();
        return new Tensor(d, shape.clone());
    }

    /** Values drawn uniformly from [low, high), reproducible for a given seed. */
    public static Tensor randomUniform(long seed, double low, double high, int... shape) {
        return randomUniform(new Random(seed), low, high, shape);
    }

    public static Tensor randomUniform(Random random, double low, double high, int... shape) {
        double[] d = new double[Shapes.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) d[i] = low + (high - low) * random.nextDouble();
        return new Tensor(d, shape.clone());
    }

    /** 0, 1, ..., n-1 as a 1-d tensor. */
    public static Tensor arange(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return new Tensor(d, new int[] {n});
    }

    // ---- accessors ------------------------------------------------------------------------

    /** The shape, as a copy. */
    public int[] shape() {
        return shape.clone();
    }

    /** The size of one axis; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length, "dim")];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /** The storage itself (row-major), not a copy: kernels only. */
    public double[] data() {
        return data;
    }

    /** A row-major copy of the values. */
    public double[] toArray() {
        return data.clone();
    }

    /** The value at a full index. */
    public double get(int... index) {
        return data[offset(index)];
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item(): the tensor has shape " + Shapes.toString(shape)
                    + " (" + data.length + " values); item() needs exactly one value");
        }
        return data[0];
    }

    /** A copy with one value changed. */
    public Tensor with(double value, int... index) {
        double[] d = data.clone();
        d[offset(index)] = value;
        return new Tensor(d, shape);
    }

    /** The same values under another shape with the same number of elements (shares storage). */
    public Tensor reshape(int... newShape) {
        int[] s = Shapes.resolveReshape(shape, newShape);
        return new Tensor(data, s);
    }

    /** Row {@code i} along the first axis, as a copy of shape {@code shape[1:]}. */
    public Tensor slice(int i) {
        if (shape.length == 0) throw new IllegalStateException("slice(" + i + "): a scalar has no rows");
        if (i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("slice(" + i + "): the first axis has " + shape[0] + " entries");
        }
        int[] s = Arrays.copyOfRange(shape, 1, shape.length);
        int n = data.length / shape[0];
        return new Tensor(Arrays.copyOfRange(data, i * n, (i + 1) * n), s);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) along the first axis, copied. */
    public Tensor rows(int from, int to) {
        if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("rows(" + from + ", " + to + ") of a tensor of shape "
                    + Shapes.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int n = shape[0] == 0 ? 0 : data.length / shape[0];
        return new Tensor(Arrays.copyOfRange(data, from * n, to * n), s);
    }

    /** The rows at the given indices along the first axis, copied in that order. */
    public Tensor gather(int[] indices) {
        return gather(indices, 0, indices.length);
    }

    /** The rows at {@code indices[from..to)} along the first axis (a mini-batch). */
    public Tensor gather(int[] indices, int from, int to) {
        if (shape.length == 0) throw new IllegalStateException("gather: a scalar has no rows");
        if (from < 0 || to > indices.length || from > to) {
            throw new IndexOutOfBoundsException("gather(indices, " + from + ", " + to + "): positions must lie within the "
                    + indices.length + " indices, from <= to");
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int n = shape[0] == 0 ? 0 : data.length / shape[0];
        double[] d = new double[(to - from) * n];
        for (int i = from; i < to; i++) {
            int row = indices[i];
            if (row < 0 || row >= shape[0]) {
                throw new IndexOutOfBoundsException("gather: index " + row + " (at position " + i + ") is outside the "
                        + shape[0] + " rows of a tensor of shape " + Shapes.toString(shape));
            }
            System.arraycopy(data, row * n, d, (i - from) * n, n);
        }
        return new Tensor(d, s);
    }

    /** Index of the largest value along the last axis, for each row (as ints). */
    public int[] argmaxRows() {
        int c = shape.length == 0 ? 1 : shape[shape.length - 1];
        int r = c == 0 ? 0 : data.length / c;
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) if (data[i * c + j] > data[i * c + best]) best = j;
            out[i] = best;
        }
        return out;
    }

    /**
     * {@code this + other}, element by element, as a new tensor; the shapes must be the same (adding
     * gradients: {@code grad.merge(c, g, Tensor::plus)}). Broadcasting sums are graph ops ({@code cg.sum}).
     */
    public Tensor plus(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("plus: shapes " + Shapes.toString(shape) + " and "
                    + Shapes.toString(other.shape) + " differ; Tensor.plus adds tensors of the same shape");
        }
        double[] s = new double[data.length];
        for (int i = 0; i < s.length; i++) s[i] = data[i] + other.data[i];
        return new Tensor(s, shape.clone());
    }

    public double sum() {
        double s = 0;
        for (double v : data) s += v;
        return s;
    }

    public double mean() {
        return sum() / data.length;
    }

    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : data) m = Math.max(m, v);
        return m;
    }

    public double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : data) m = Math.min(m, v);
        return m;
    }

    /** Index of the first NaN or infinite value, or -1. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) if (!Double.isFinite(data[i])) return i;
        return -1;
    }

    /** The full index of a flat row-major position. */
    public int[] unravel(int flat) {
        return Shapes.unravel(flat, shape);
    }

    private int offset(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("get: index " + Arrays.toString(index) + " has " + index.length
                    + " axes but the tensor has shape " + Shapes.toString(shape));
        }
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("get: index " + Arrays.toString(index) + " is outside shape "
                        + Shapes.toString(shape) + " (axis " + i + ")");
            }
            off = off * shape[i] + index[i];
        }
        return off;
    }

    // ---- comparison and printing -------------------------------------------------------------

    /**
     * Same shape and every value within {@code tolerance} of the other's: absolute for values up
     * to 1 in size, relative to the larger one above that.
     */
    public boolean allClose(Tensor other, double tolerance) {
        if (!Arrays.equals(shape, other.shape)) return false;
        for (int i = 0; i < data.length; i++) {
            double a = data[i], b = other.data[i];
            if (a == b) continue;
            if (!(Math.abs(a - b) <= tolerance * Math.max(1, Math.max(Math.abs(a), Math.abs(b))))) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    /** numpy-like text, with "..." for tensors of more than 1000 values. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
