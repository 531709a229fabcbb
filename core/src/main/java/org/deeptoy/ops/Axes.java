package org.deeptoy.ops;

import org.deeptoy.tensor.Shapes;

/** A tensor seen as [outer, n, inner] around one axis: the loop shape of reductions and softmax. */
record Axes(int outer, int n, int inner) {
    static Axes around(int[] shape, int axis) {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        return new Axes(outer, shape[axis], inner);
    }

    /** The shape with {@code axis} removed, or set to 1 when keepDims. */
    static int[] reduced(int[] shape, int axis, boolean keepDims) {
        if (keepDims) {
            int[] s = shape.clone();
            s[axis] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) s[j++] = shape[i];
        return s;
    }

    /**
     * The axis as 0..rank-1, negative axes counting from the end. Throws IllegalArgumentException,
     * which the engine prefixes with the op's call, e.g. {@code softmax(x, axis=2): axis 2 does not exist ...}.
     */
    static int resolve(int axis, int[] shape) {
        int r = shape.length;
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException("axis " + axis + " does not exist for shape " + Shapes.toString(shape)
                    + (r == 0 ? " (a scalar has no axes)" : " (axes 0.." + (r - 1) + ", or -1 for the last)"));
        }
        return axis < 0 ? axis + r : axis;
    }
}
