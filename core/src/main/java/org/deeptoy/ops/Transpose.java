package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * Permutes axes: output axis i is input axis {@code axes[i]} (no axes: reversed, a matrix
 * transpose); {@code dL/dx = dL/dy} permuted back by the inverse permutation.
 */
public final class Transpose extends Node {
    private final int[] axes;

    public Transpose(int... axes) {
        super("transpose");
        this.axes = axes.clone();
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        return permute(x[0], permutation(x[0].rank()));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        int[] p = permutation(x[0].rank()), inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) inverse[p[i]] = i;
        return new Tensor[] {permute(dy, inverse)};
    }

    @Override
    public String attributes() {
        return axes.length == 0 ? "" : "axes=" + Arrays.toString(axes);
    }

    private int[] permutation(int rank) {
        if (axes.length == 0) {
            int[] p = new int[rank];
            for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
            return p;
        }
        if (axes.length != rank) {
            throw error("axes " + Arrays.toString(axes) + " name " + axes.length + " axes but the input has " + rank);
        }
        boolean[] seen = new boolean[rank];
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            int a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank || seen[a]) {
                throw error("axes " + Arrays.toString(axes) + " is not a permutation of 0.." + (rank - 1));
            }
            seen[a] = true;
            p[i] = a;
        }
        return p;
    }

    static Tensor permute(Tensor x, int[] p) {
        int[] in = x.shape(), inStrides = Shapes.strides(in);
        int r = in.length;
        int[] out = new int[r], st = new int[r];
        for (int i = 0; i < r; i++) {
            out[i] = in[p[i]];
            st[i] = inStrides[p[i]];
        }
        double[] src = x.data(), d = new double[src.length];
        int[] from = Shapes.stridedIndex(out, st);
        for (int k = 0; k < d.length; k++) d[k] = src[from[k]];
        return Tensor.wrap(d, out);
    }
}
