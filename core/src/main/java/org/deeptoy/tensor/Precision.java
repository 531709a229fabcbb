package org.deeptoy.tensor;

/**
 * The floating-point precision ops compute in. Tensors always store doubles; an op that has a
 * float32 kernel (today {@code conv2d} and {@code matrixMultiply}, where training spends its time)
 * uses it in a FLOAT32 pass and widens its result back into doubles. Element-wise ops compute in
 * double either way (their cost is memory traffic).
 *
 * <p>FLOAT64 is the default: gradient checks, exercises and anything a student computes by hand
 * keep the full precision (a central difference with ε = 1e-6 needs it). Training chooses FLOAT32,
 * as PyTorch does by default: twice the matrix-product throughput and half the memory traffic of
 * the large im2col matrices. The {@code SimulationContext} that runs a pass chooses (see
 * {@code SimulationContext.precision}) and its {@code Pass} tells the ops.
 */
public enum Precision {
    FLOAT64, FLOAT32
}
