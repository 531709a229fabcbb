package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;

/**
 * Embedding lookup: row {@code ids[...]} of a table E [V, D], so ids of shape S give y of shape S + [D];
 * {@code dL/dE[v] = Σ dL/dy[p]} over the positions p whose id is v (ids are indices: no gradient).
 */
public final class Embedding extends Node {
    public Embedding() {
        super("embedding");
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        Tensor table = x[0];
        int[] ids = ids(table, x[1]);
        int d = table.dim(1);
        double[] e = table.data(), y = new double[ids.length * d];
        for (int p = 0; p < ids.length; p++) System.arraycopy(e, ids[p] * d, y, p * d, d);
        return Tensor.wrap(y, outShape(x[1].shape(), d));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        if (!need[0]) return new Tensor[2];
        Tensor table = x[0];
        int[] ids = ids(table, x[1]);
        int d = table.dim(1);
        double[] g = dy.data(), de = new double[table.size()];
        for (int p = 0; p < ids.length; p++) {
            for (int j = 0, row = ids[p] * d; j < d; j++) de[row + j] += g[p * d + j];
        }
        return new Tensor[] {Tensor.wrap(de, table.shape()), null};
    }

    /** The ids as ints, each checked to be a whole number naming a row of the table. */
    private int[] ids(Tensor table, Tensor idTensor) {
        if (table.rank() != 2) {
            throw error("the table must be a matrix [vocabulary, dimension] but has shape " + shape(table));
        }
        double[] v = idTensor.data();
        int[] ids = new int[v.length];
        int rows = table.dim(0);
        for (int p = 0; p < v.length; p++) {
            if (v[p] != Math.rint(v[p]) || v[p] < 0 || v[p] >= rows) {
                throw error("id " + (v[p] == Math.rint(v[p]) ? String.valueOf((long) v[p]) : String.valueOf(v[p])) + " at " + Arrays.toString(Shapes.unravel(p, idTensor.shape()))
                        + " of ids " + shape(idTensor) + " is not a row of the table " + shape(table)
                        + " (ids are whole numbers 0.." + (rows - 1) + ")");
            }
            ids[p] = (int) v[p];
        }
        return ids;
    }

    private static int[] outShape(int[] idShape, int d) {
        int[] s = Arrays.copyOf(idShape, idShape.length + 1);
        s[idShape.length] = d;
        return s;
    }
}
