package org.deeptoy.course;

import org.deeptoy.tensor.Tensor;

/** A function from one tensor to another: what an exercise like "the mean of each row" asks for. */
@FunctionalInterface
public interface TensorFunction {
    Tensor apply(Tensor t);
}
