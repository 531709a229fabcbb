package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.graph.Pass;
import org.deeptoy.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * Inverted dropout with drop probability p. Training: {@code y = x · m / (1 - p)} with a fresh mask
 * m of 0s (probability p) and 1s per pass, so the expected value of y is x;
 * {@code dL/dx = dL/dy · m / (1 - p)}. Inference: {@code y = x}, {@code dL/dx = dL/dy}.
 *
 * <p>The mask takes one draw per unit (an MNIST MLP epoch: ~61 million), so it comes from a
 * {@link SplittableRandom} seeded once per pass from the context's random source (same seed, same
 * masks), two 32-bit draws per {@code nextLong}; java.util.Random's {@code nextDouble} per unit took
 * ~15 % of that epoch. A unit is dropped when its draw is below round(p · 2³²): p to within 2⁻³³.
 * The mask is kept as bits for the backward.
 */
public final class Dropout extends Node {
    private final double p;

    public Dropout(double p) {
        super("dropout");
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout: p is the probability to drop a unit, in [0, 1); got " + p);
        this.p = p;
    }

    /** Inference: the identity. */
    @Override
    protected Tensor forward(Tensor[] x) {
        return x[0];
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {dy};
    }

    @Override
    protected Tensor forward(Tensor[] x, Pass pass) {
        if (!pass.training()) return forward(x);
        long[] kept = mask(x[0].size(), new SplittableRandom(pass.random().nextLong()));
        pass.keep(this, kept);
        return Tensor.wrap(masked(x[0].data(), kept), x[0].shape());
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        if (!pass.training()) return backward(x, y, dy, need);
        return new Tensor[] {Tensor.wrap(masked(dy.data(), pass.kept(this)), x[0].shape())};
    }

    /** v · m / (1 - p), element by element; a table lookup rather than a branch that a random mask mispredicts. */
    private double[] masked(double[] v, long[] kept) {
        double[] factor = {0, 1 / (1 - p)}, out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * factor[(int) (kept[i >>> 6] >>> i) & 1];
        return out;
    }

    /** Bit i set = unit i kept: its 32-bit draw is at or above round(p · 2³²) (the sign of draw - threshold). */
    private long[] mask(int n, SplittableRandom r) {
        long threshold = Math.round(p * 0x1p32);
        long[] bits = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i += 2) {
            long draw = r.nextLong();
            long low = ~((draw & 0xFFFFFFFFL) - threshold) >>> 63, high = ~((draw >>> 32) - threshold) >>> 63;
            bits[i >>> 6] |= (low | high << 1) << i; // i is even: both bits land in the same word
        }
        if ((n & 1) == 1) bits[(n - 1) >>> 6] &= ~(1L << n); // the last draw's second half: no unit n
        return bits;
    }

    @Override
    public boolean dependsOnMode() {
        return true;
    }

    @Override
    public String attributes() {
        return "p=" + p;
    }
}
