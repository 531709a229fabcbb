package org.deeptoy.ops;

import org.deeptoy.graph.Node;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

/**
 * {@code y = x} repeated to a larger shape by numpy's rules;
 * {@code dL/dx = dL/dy} summed over the repeated positions.
 */
public final class Broadcast extends Node {
    private final int[] shape;

    public Broadcast(int... shape) {
        super("broadcast");
        this.shape = shape.clone();
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        if (!Shapes.broadcastsTo(x[0].shape(), shape)) {
            throw error("shape " + shape(x[0]) + " cannot be broadcast to " + Shapes.toString(shape)
                    + " (each size must equal the target's or be 1, comparing from the last axis)");
        }
        Tensor y = Shapes.expand(x[0], shape);
        return y == x[0] ? Tensor.of(y.data(), shape) : y;
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {Shapes.sumTo(dy, x[0].shape())};
    }

    @Override
    public String attributes() {
        return "shape=" + Shapes.toString(shape);
    }
}
