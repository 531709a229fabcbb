package org.deeptoy.ops;

import org.deeptoy.tensor.Tensor;

/**
 * {@code y = (1/n) Σ_axis x}, n the size of the axis (of everything when no axis is given);
 * {@code dL/dx = dL/dy / n} repeated along the axis.
 */
public final class Mean extends ReduceSum {
    public Mean(Integer axis, boolean keepDims) {
        super("mean", axis, keepDims);
    }

    @Override
    protected Tensor forward(Tensor[] x) {
        return sum(x[0], 1.0 / count(x[0]));
    }

    @Override
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need) {
        return new Tensor[] {spread(x[0], dy, 1.0 / count(x[0]))};
    }
}
