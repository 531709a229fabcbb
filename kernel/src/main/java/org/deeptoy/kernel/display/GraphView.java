package org.deeptoy.kernel.display;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.SimulationContext;

/**
 * A graph seen through a context: rendered as the graph's picture with each connection's value from
 * the last forward pass and, after backward, its gradient. Made by {@code view(cg, ctx)} or shown at
 * once by {@code show(cg, ctx)}.
 */
public record GraphView(ComputationalGraph graph, SimulationContext context) {
    public GraphView {
        if (graph == null) {
            throw new IllegalArgumentException("view(cg, ctx): the graph is null");
        }
    }

    @Override
    public String toString() {
        int ops = graph.nodes().size();
        String state = context == null ? "no context"
                : context.hasGradients() ? "values and gradients" : "values of the forward pass";
        return "ComputationalGraph with " + ops + (ops == 1 ? " operation" : " operations") + " (" + state + ")";
    }
}
