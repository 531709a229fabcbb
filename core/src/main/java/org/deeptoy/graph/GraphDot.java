package org.deeptoy.graph;

import org.deeptoy.tensor.Shapes;

/** Graphviz DOT text for a graph: ops as boxes, constants grey, inputs white, variables orange. */
final class GraphDot {
    private GraphDot() {}

    static String toDot(ComputationalGraph cg, SimulationContext ctx) {
        StringBuilder sb = new StringBuilder("digraph G {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
        for (Connection c : cg.connections()) {
            if (c.producer() != null) continue;
            String fill = switch (c.kind()) {
                case VARIABLE -> "#fdd49e";
                case INPUT -> "#ffffff";
                default -> "#e0e0e0";
            };
            sb.append("  c").append(c.id()).append(" [shape=ellipse, style=filled, fillcolor=\"").append(fill)
                    .append("\", label=\"").append(escape(c.label() + shapeOf(c, ctx))).append("\"];\n");
        }
        for (Node n : cg.nodes()) {
            Connection out = n.output();
            String label = n.op() + (n.attributes().isEmpty() ? "" : "\\n" + escape(n.attributes()))
                    + (n.dependsOnMode() ? "\\n" + modeOf(ctx) : "")
                    + (out.name() != null ? "\\n" + escape(out.name()) : "") + escape(shapeOf(out, ctx));
            sb.append("  c").append(out.id()).append(" [shape=box, style=\"rounded,filled\", fillcolor=\"#c6dbef\", label=\"")
                    .append(label).append("\"];\n");
            for (Connection in : n.inputs()) {
                sb.append("  c").append(in.id()).append(" -> c").append(out.id()).append(";\n");
            }
        }
        return sb.append("}\n").toString();
    }

    /** How a mode-dependent op runs in this context: "training", "inference", or both without one. */
    static String modeOf(SimulationContext ctx) {
        return ctx == null ? "training / inference" : ctx.isTraining() ? "training mode" : "inference mode";
    }

    private static String shapeOf(Connection c, SimulationContext ctx) {
        SimulationContext.Data d = ctx == null ? null : ctx.get(c);
        if (d != null && d.hasValue()) return "\n" + Shapes.toString(d.value().shape());
        if (c.value() != null) return "\n" + Shapes.toString(c.value().shape());
        return "";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
