package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

/** {@code y = x} in another shape (same values, row-major order);  {@code dL/dx = dL/dy} in x's shape. */
public final class Reshape extends Node {
    private final int[] shape;

    public Reshape(int... shape) {
        super("reshape");
        this.shape = shape.clone();
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        try {
            return x[0].reshape(shape);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {dy.reshape(x[0].shape())};
    }

    @Override
    public String attributes() {
        return "shape=" + Shapes.toString(shape);
    }
}
