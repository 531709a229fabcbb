package org.deeptoy.graph;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Random;

/**
 * What one forward/backward pass of a {@link SimulationContext} tells a mode-dependent op
 * (dropout, batch norm): whether it is training, a seeded random source, and a place to keep what
 * its backward needs (dropout's mask, batch norm's normalised input). Ops that behave the same in
 * both modes never see it.
 */
public final class Pass {
    private final boolean training;
    private final Random random;
    private final Map<Node, Object> kept = new IdentityHashMap<>();

    Pass(boolean training, Random random) {
        this.training = training;
        this.random = random;
    }

    /** True while training (dropout drops, batch norm uses the batch's statistics), false at inference. */
    public boolean training() {
        return training;
    }

    /** The context's seeded random source (same seed, same masks). */
    public Random random() {
        return random;
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
