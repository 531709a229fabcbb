package org.deeptoy.tensor;

/**
 * The floating-point precision ops compute in. Tensors always store doubles; an op that has a
 * float32 kernel (today {@code conv2d} and {@code matrixMultiply}, where training spends its time)
 * uses it while the precision of the calling thread is {@link #FLOAT32} and widens its result back
 * into doubles. Element-wise ops compute in double either way (their cost is memory traffic).
 *
 * <p>FLOAT64 is the default: gradient checks, exercises and anything a student computes by hand
 * keep the full precision (a central difference with ε = 1e-6 needs it). Training chooses FLOAT32,
 * as PyTorch does by default: twice the matrix-product throughput and half the memory traffic of
 * the large im2col matrices. The {@code SimulationContext} that runs a forward or backward pass
 * decides, see {@code SimulationContext.precision}.
 */
public enum Precision {
    FLOAT64, FLOAT32;

    private static final ThreadLocal<Precision> CURRENT = ThreadLocal.withInitial(() -> FLOAT64);

    /** The precision ops on this thread compute in now. */
    public static Precision current() {
        return CURRENT.get();
    }

    /**
     * Makes this the precision of the calling thread until the returned scope is closed, which
     * restores the one before: {@code try (var p = Precision.FLOAT32.use()) { ... }}.
     */
    public Scope use() {
        Precision before = CURRENT.get();
        CURRENT.set(this);
        return () -> CURRENT.set(before);
    }

    /** Restores the precision that was in force before {@link #use()}. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
