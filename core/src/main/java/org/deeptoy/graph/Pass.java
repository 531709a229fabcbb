package org.deeptoy.graph;

import org.deeptoy.tensor.Precision;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What one forward/backward pass of a {@link SimulationContext} tells the ops that care: whether it
 * is training, a seeded random source and a place to keep what a backward needs (dropout's mask,
 * batch norm's normalised input), and the precision of the ops that have a float32 kernel
 * (matrixMultiply, conv2d). Ops that need none of these never see it.
 */
public final class Pass {
    private final boolean training;
    private final Random random;
    private final Precision precision;
    private final Map<Node, Object> kept = new IdentityHashMap<>();

    Pass(boolean training, Random random, Precision precision) {
        this.training = training;
        this.random = random;
        this.precision = precision;
    }

    /** True while training (dropout drops, batch norm uses the batch's statistics), false at inference. */
    public boolean training() {
        return training;
    }

    /** The context's seeded random source (same seed, same masks). */
    public Random random() {
        return random;
    }

    /** The precision of this pass: FLOAT32 lets an op use its float32 kernel (training). */
    public Precision precision() {
        return precision;
    }

    /** Keeps something for this node's backward in the same pass. */
    public void keep(Node node, Object what) {
        kept.put(node, what);
    }

    /** What {@link #keep} stored for this node in this pass, or null. */
    @SuppressWarnings("unchecked")
    public <T> T kept(Node node) {
        return (T) kept.get(node);
    }

    void clear() {
        kept.clear();
    }
}
