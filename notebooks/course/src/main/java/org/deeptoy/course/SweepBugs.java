package org.deeptoy.course;

import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Backward sweeps with one classic bug each, and what the backward sweep's check says about a sweep:
 * notebook 3c runs them to show the bugs without showing a sweep's code (that is the exercise).
 */
public final class SweepBugs {
    private SweepBugs() {}

    /** The classic bugs. */
    public enum Bug {
        /** a gradient arriving at a value replaces the one there instead of adding to it */
        OVERWRITE,
        /** a gradient arriving at a value that has one is dropped */
        KEEP_FIRST,
        /** the table is not cleared when a pass starts, so the last pass's gradients stay in it */
        NO_CLEARING,
        /** the order walked from the leaves to the loss (nodes without a gradient yet skipped) */
        FORWARD_ORDER
    }

    /** A sweep with the given bug, to run through {@link #whatTheCheckSays}. */
    public static BackwardSweepChecks.Sweep sweep(Bug bug) {
        return (loss, order, ctx, grad) -> {
            Map<Connection, Tensor> result = result(bug, loss, order, ctx, bug == Bug.NO_CLEARING ? grad : Map.of());
            grad.clear();
            grad.putAll(result);
        };
    }

    /**
     * The line the backward sweep's check prints for this sweep ({@code ✓ ...} or {@code ✗ ...}), without
     * failing in grading mode: for showing what the check says about a sweep.
     */
    public static String whatTheCheckSays(BackwardSweepChecks.Sweep f) {
        String problem = BackwardSweepChecks.sweepProblem(f, Check.cases());
        return problem == null ? "✓ right on every case" : "✗ " + problem;
    }

    /** The sweep with the bug, starting from a table holding {@code start} (the last pass's, for NO_CLEARING). */
    static Map<Connection, Tensor> result(Bug bug, Connection loss, List<Node> order, SimulationContext ctx,
                                          Map<Connection, Tensor> start) {
        Map<Connection, Tensor> grad = new HashMap<>(start);
        grad.put(loss, Tensor.ones(ctx.value(loss).shape()));
        for (int i = 0; i < order.size(); i++) {
            Node node = order.get(bug == Bug.FORWARD_ORDER ? i : order.size() - 1 - i);
            Tensor dy = grad.get(node.output());
            if (dy == null) continue;
            Tensor[] dx = ctx.inputGradients(node, dy);
            for (int k = 0; k < dx.length; k++) {
                Connection in = node.inputs().get(k);
                switch (bug) {
                    case OVERWRITE -> grad.put(in, dx[k]);
                    case KEEP_FIRST -> grad.putIfAbsent(in, dx[k]);
                    default -> grad.merge(in, dx[k], Tensor::plus);
                }
            }
        }
        return grad;
    }
}
