package org.deeptoy.kernel.render;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;
import org.eclipse.elk.alg.layered.LayeredLayoutProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.options.PortConstraints;
import org.eclipse.elk.core.options.PortSide;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.ElkPort;
import org.eclipse.elk.graph.util.ElkGraphUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A computational graph as an SVG picture (image/svg+xml), laid out left to right by ELK's layered
 * algorithm. Operations are rounded boxes; constants, inputs and variables are pills coloured
 * apart; with a context, each box also shows its value and, after backward, its gradient.
 *
 * <p>The layout is a {@link GraphDrawing}, which {@link GraphPng} paints as PNG too: JupyterLab and
 * Notebook 7 do not show SVG from a notebook that is not trusted (every notebook a student opens
 * before running it), but show its PNG.
 *
 * <p>The SVG uses only inline attributes (no {@code <style>}), because Jupyter inlines it into
 * the page, where a style sheet would leak into the notebook.
 */
public final class GraphSvg {
    /** Tensors with at most this many elements are written out in full. */
    private static final int FULL = 6;
    /** Tensors with more elements than this show their shape and range (min, max) only. */
    private static final int ABBREVIATED = 64;
    /** Graphs with more operations than this are laid out top to bottom. */
    private static final int WRAP_AFTER_OPS = 6;

    private static final String FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif";
    private static final String MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace";
    private static final double PAD_X = 12, PAD_Y = 7, MARGIN = 16;
    private static final String VALUE_COLOUR = "#1b5e20", GRADIENT_COLOUR = "#c62828";
    static final String EDGE_COLOUR = "#607080";
    private static final AtomicInteger IDS = new AtomicInteger();

    static {
        // Registers ELK's option types (ElkReflect); without it ELK cannot copy option defaults.
        LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredOptions());
    }

    private GraphSvg() {}

    /** How each kind of box is drawn. */
    private enum Look {
        OPERATION("#dbe9f6", "#3a78b5", 6, null, "operation"),
        CONSTANT("#ececec", "#8a8a8a", -1, null, "constant"),
        INPUT("#ffffff", "#555555", -1, new double[] {5, 3}, "input"),
        VARIABLE("#fdd9a8", "#d9650b", -1, null, "variable");

        final String fill, stroke, legend;
        final double radius; // -1: a pill (radius = half the height)
        final double[] dash; // null: solid

        Look(String fill, String stroke, double radius, double[] dash, String legend) {
            this.fill = fill;
            this.stroke = stroke;
            this.radius = radius;
            this.dash = dash;
            this.legend = legend;
        }

        static Look of(Connection.Kind kind) {
            return switch (kind) {
                case CONSTANT -> CONSTANT;
                case INPUT -> INPUT;
                case VARIABLE -> VARIABLE;
                case OPERATION -> OPERATION;
            };
        }
    }

    /** One line of text in a box or the key. */
    record Line(String text, double size, boolean bold, boolean mono, String colour) {
        double width() {
            return textWidth(text, size, bold, mono);
        }
    }

    private record Box(Look look, List<Line> lines, double width, double height) {
        static Box of(Look look, List<Line> lines) {
            double w = 0, h = 0;
            for (Line l : lines) {
                w = Math.max(w, l.width());
                h += lineHeight(l);
            }
            double minWidth = look == Look.OPERATION ? 56 : 44;
            // Pills need extra width so the text clears the round ends.
            double extra = look == Look.OPERATION ? 0 : (h + 2 * PAD_Y) * 0.35;
            return new Box(look, lines, Math.max(minWidth, Math.ceil(w + 2 * PAD_X + extra)), Math.ceil(h + 2 * PAD_Y));
        }
    }

    /** The graph alone: names, kinds and the shapes known without running it. */
    public static String render(ComputationalGraph cg) {
        return render(cg, null);
    }

    /**
     * The graph, and with a context ({@code ctx} may be null) the values of the last forward pass
     * and the gradients of the last backward pass: scalars in full, small tensors abbreviated,
     * large ones by shape and range (min, max).
     */
    public static String render(ComputationalGraph cg, SimulationContext ctx) {
        return svg(layout(cg, ctx));
    }

    /** The picture laid out once, to be written as SVG ({@link #svg}) and painted as PNG ({@link GraphPng}). */
    public static GraphDrawing layout(ComputationalGraph cg, SimulationContext ctx) {
        if (cg == null) throw new IllegalArgumentException("GraphSvg.render: the graph is null");
        if (cg.connections().isEmpty()) return emptyGraph();
        ElkNode root = ElkGraphUtil.createGraph();
        // A deep network is a long chain: left to right it outgrows a notebook's width, and wrapped into
        // rows its edges loop around the whole figure (seen with notebook 5's MLP); top to bottom it
        // reads as a column without crossings. A small graph reads best left to right.
        boolean down = cg.nodes().size() > WRAP_AFTER_OPS;
        root.setProperty(CoreOptions.DIRECTION, down ? Direction.DOWN : Direction.RIGHT);
        // Extra passes of ELK's crossing minimisation: a model's graph should have no crossing edges.
        root.setProperty(LayeredOptions.CROSSING_MINIMIZATION_GREEDY_SWITCH_TYPE,
                org.eclipse.elk.alg.layered.options.GreedySwitchType.TWO_SIDED);
        root.setProperty(LayeredOptions.THOROUGHNESS, 40);
        root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
        root.setProperty(CoreOptions.SPACING_NODE_NODE, 18.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 36.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 14.0);
        root.setProperty(CoreOptions.PADDING, new ElkPadding(MARGIN));

        boolean values = false, gradients = false;
        Map<ElkNode, Box> boxes = new HashMap<>();
        Map<Connection, ElkPort> sources = new HashMap<>();
        List<ElkNode> order = new ArrayList<>();
        for (Connection c : cg.connections()) {
            SimulationContext.Data data = ctx == null ? null : ctx.get(c);
            Box box = Box.of(Look.of(c.kind()), c.producer() == null ? leafLines(c, data) : opLines(c, data, ctx));
            // The key explains only the colours that appear.
            for (Line l : box.lines) {
                values |= l.colour.equals(VALUE_COLOUR);
                gradients |= l.colour.equals(GRADIENT_COLOUR);
            }
            ElkNode n = ElkGraphUtil.createNode(root);
            n.setDimensions(box.width, box.height);
            // Arguments enter in order (subtract(a, b): a first), except l2's, which commute: there ELK
            // may reorder the ports, which avoids a crossing when the weights come from both sides.
            boolean commutes = c.producer() != null && c.producer().op().equals("l2");
            n.setProperty(CoreOptions.PORT_CONSTRAINTS, commutes ? PortConstraints.FIXED_SIDE : PortConstraints.FIXED_POS);
            boxes.put(n, box);
            order.add(n);
            ElkPort out = ElkGraphUtil.createPort(n);
            out.setProperty(CoreOptions.PORT_SIDE, down ? PortSide.SOUTH : PortSide.EAST);
            if (down) out.setLocation(box.width / 2, box.height);
            else out.setLocation(box.width, box.height / 2);
            sources.put(c, out);
            Node op = c.producer();
            if (op == null) continue;
            int k = op.inputs().size();
            for (int i = 0; i < k; i++) {
                // Inputs enter in argument order (top to bottom, or left to right), so subtract(a, b) reads a before b.
                ElkPort in = ElkGraphUtil.createPort(n);
                in.setProperty(CoreOptions.PORT_SIDE, down ? PortSide.NORTH : PortSide.WEST);
                if (down) in.setLocation(box.width * (i + 1) / (k + 1), 0);
                else in.setLocation(0, box.height * (i + 1) / (k + 1));
                ElkEdge e = ElkGraphUtil.createEdge(root);
                e.getSources().add(sources.get(op.inputs().get(i)));
                e.getTargets().add(in);
            }
        }
        new LayeredLayoutProvider().layout(root, new BasicProgressMonitor());

        List<Look> legend = new ArrayList<>();
        for (Look look : Look.values()) {
            for (Box b : boxes.values()) {
                if (b.look == look) {
                    legend.add(look);
                    break;
                }
            }
        }
        double graphW = root.getWidth(), graphH = root.getHeight();
        List<GraphDrawing.Mark> marks = new ArrayList<>();
        for (ElkEdge e : root.getContainedEdges()) edges(marks, e);
        for (ElkNode n : order) marks.add(box(n, boxes.get(n)));
        double legendY = graphH + 4;
        double[] key = legend(marks, legend, values, gradients, MARGIN, legendY, Math.max(graphW - 2 * MARGIN, 300));
        double w = Math.ceil(Math.max(graphW, key[0] + 2 * MARGIN));
        double h = Math.ceil(legendY + key[1] + MARGIN / 2);
        return new GraphDrawing(w, h, title(cg, ctx), marks);
    }

    /** The drawing as SVG. */
    public static String svg(GraphDrawing d) {
        String id = "dt-arrow-" + IDS.incrementAndGet();
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(num(d.width())).append("\" height=\"")
                .append(num(d.height())).append("\" viewBox=\"0 0 ").append(num(d.width())).append(' ').append(num(d.height()))
                .append("\" font-family=\"").append(FONT).append("\">\n");
        svg.append("<title>").append(escape(d.title())).append("</title>\n");
        if (d.marks().stream().anyMatch(m -> m instanceof GraphDrawing.Edge)) {
            svg.append("<defs><marker id=\"").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" ")
                    .append("markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"")
                    .append(EDGE_COLOUR).append("\"/></marker></defs>\n");
        }
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        for (GraphDrawing.Mark m : d.marks()) svgMark(svg, m, id);
        return svg.append("</svg>\n").toString();
    }

    private static void svgMark(StringBuilder sb, GraphDrawing.Mark mark, String arrow) {
        if (mark instanceof GraphDrawing.Edge e) {
            double[] p = e.points();
            sb.append("<path d=\"M").append(num(p[0])).append(',').append(num(p[1]));
            for (int i = 2; i < p.length; i += 2) sb.append(" L").append(num(p[i])).append(',').append(num(p[i + 1]));
            sb.append("\" fill=\"none\" stroke=\"").append(EDGE_COLOUR)
                    .append("\" stroke-width=\"1.4\" marker-end=\"url(#").append(arrow).append(")\"/>\n");
        } else if (mark instanceof GraphDrawing.Shape r) {
            sb.append("<rect x=\"").append(num(r.x())).append("\" y=\"").append(num(r.y())).append("\" width=\"")
                    .append(num(r.width())).append("\" height=\"").append(num(r.height())).append("\" rx=\"")
                    .append(num(r.radius())).append("\" fill=\"").append(r.fill()).append("\" stroke=\"").append(r.stroke())
                    .append("\" stroke-width=\"").append(num(r.strokeWidth())).append('"');
            if (r.dash() != null) {
                sb.append(" stroke-dasharray=\"");
                for (int i = 0; i < r.dash().length; i++) sb.append(i == 0 ? "" : ",").append(num(r.dash()[i]));
                sb.append('"');
            }
            sb.append("/>\n");
        } else if (mark instanceof GraphDrawing.Text t) {
            Line l = t.line();
            sb.append("<text x=\"").append(num(t.x())).append("\" y=\"").append(num(t.baseline()))
                    .append("\" text-anchor=\"").append(t.centred() ? "middle" : "start").append("\" font-size=\"")
                    .append(num(l.size)).append('"');
            if (l.bold) sb.append(" font-weight=\"bold\"");
            if (l.mono) sb.append(" font-family=\"").append(MONO).append('"');
            if (t.italic()) sb.append(" font-style=\"italic\"");
            sb.append(" fill=\"").append(l.colour).append("\">").append(escape(l.text)).append("</text>\n");
        } else if (mark instanceof GraphDrawing.Group g) {
            sb.append("<g>");
            for (GraphDrawing.Mark m : g.marks()) svgMark(sb, m, arrow);
            sb.append("</g>\n");
        }
    }

    /** A graph with nothing in it yet (an exercise before it is solved) says so instead of drawing a blank box. */
    private static GraphDrawing emptyGraph() {
        String text = "empty graph: nothing added yet (cg.constant, cg.variable, cg.sum, ...)";
        double w = Math.ceil(textWidth(text, 13, false, false) + 2 * MARGIN), h = 40;
        Line line = new Line(text, 13, false, false, "#555555");
        return new GraphDrawing(w, h, "Computational graph: empty",
                List.of(new GraphDrawing.Text(MARGIN, 25, false, true, line)));
    }

    private static List<Line> leafLines(Connection c, SimulationContext.Data data) {
        List<Line> lines = new ArrayList<>();
        String label = c.label();
        lines.add(new Line(label, 14, true, false, "#1a1a1a"));
        Tensor v = data != null && data.hasValue() ? data.value() : c.value();
        if (v != null) {
            if (v.rank() > 0) lines.add(new Line(Shapes.toString(v.shape()), 11.5, false, true, "#555555"));
            // An unnamed scalar constant is labelled by its value already.
            if (!(v.rank() == 0 && Numbers.format(v.item()).equals(label))) tensorLines(lines, "= ", v, VALUE_COLOUR);
        }
        gradientLine(lines, data);
        return lines;
    }

    private static List<Line> opLines(Connection c, SimulationContext.Data data, SimulationContext ctx) {
        List<Line> lines = new ArrayList<>();
        Node op = c.producer();
        lines.add(new Line(op.op(), 14, true, false, "#0d2c4a"));
        if (!op.attributes().isEmpty()) lines.add(new Line(op.attributes(), 11.5, false, false, "#555555"));
        // Dropout and batch norm compute different things in training and inference: say which ran.
        if (op.dependsOnMode()) {
            String mode = ctx == null ? "training / inference" : ctx.isTraining() ? "training mode" : "inference mode";
            lines.add(new Line(mode, 11.5, false, false, "#a04a00"));
        }
        Tensor v = data != null && data.hasValue() ? data.value() : null;
        String shape = v == null || v.rank() == 0 ? "" : Shapes.toString(v.shape());
        String name = c.name() == null ? "" : c.name();
        String out = name.isEmpty() || shape.isEmpty() ? name + shape : name + " " + shape;
        if (!out.isEmpty()) lines.add(new Line(out, 12, !name.isEmpty(), shape.equals(out), "#333333"));
        if (v != null) tensorLines(lines, "= ", v, VALUE_COLOUR);
        gradientLine(lines, data);
        return lines;
    }

    private static void gradientLine(List<Line> lines, SimulationContext.Data data) {
        if (data == null || !data.hasGradient() || !data.hasValue()) return;
        tensorLines(lines, "∂L = ", data.gradient(), GRADIENT_COLOUR);
    }

    /**
     * Adds a value as one or more monospace lines padded to equal length (with no-break spaces,
     * which SVG does not collapse), so the rows of a small matrix line up under each other.
     */
    private static void tensorLines(List<Line> lines, String prefix, Tensor t, String colour) {
        if (t.size() > ABBREVIATED) {
            // too many numbers for a box: the range tells whether values exploded or died
            lines.add(new Line(prefix + "min " + Numbers.format(t.min(), 3) + ", max " + Numbers.format(t.max(), 3),
                    12, false, true, colour));
            return;
        }
        List<String> rows = Numbers.briefLines(t, FULL, t.rank() == 0 ? 4 : 3);
        int width = 0;
        for (String r : rows) width = Math.max(width, r.length());
        String indent = "\u00a0".repeat(prefix.length());
        for (int i = 0; i < rows.size(); i++) {
            String r = rows.get(i);
            String text = (i == 0 ? prefix : indent) + r + (rows.size() > 1 ? "\u00a0".repeat(width - r.length()) : "");
            lines.add(new Line(text, 12, false, true, colour));
        }
    }

    private static String title(ComputationalGraph cg, SimulationContext ctx) {
        int ops = cg.nodes().size(), connections = cg.connections().size();
        return "Computational graph: " + ops + (ops == 1 ? " operation, " : " operations, ")
                + connections + (connections == 1 ? " connection" : " connections")
                + (ctx == null ? "" : ctx.hasGradients() ? ", after forward and backward" : ", with a context");
    }

    private static GraphDrawing.Group box(ElkNode n, Box b) {
        double x = n.getX(), y = n.getY();
        double r = b.look.radius < 0 ? b.height / 2 : b.look.radius;
        List<GraphDrawing.Mark> marks = new ArrayList<>();
        marks.add(new GraphDrawing.Shape(x, y, b.width, b.height, r, b.look.fill, b.look.stroke,
                b.look == Look.VARIABLE ? 2 : 1.3, b.look.dash));
        double cx = x + b.width / 2, ty = y + PAD_Y;
        for (Line l : b.lines) {
            double lh = lineHeight(l);
            marks.add(new GraphDrawing.Text(cx, ty + lh * 0.5 + l.size * 0.36, true, false, l));
            ty += lh;
        }
        return new GraphDrawing.Group(marks);
    }

    private static void edges(List<GraphDrawing.Mark> marks, ElkEdge e) {
        for (ElkEdgeSection s : e.getSections()) {
            List<ElkBendPoint> bends = s.getBendPoints();
            double[] p = new double[4 + 2 * bends.size()];
            p[0] = s.getStartX();
            p[1] = s.getStartY();
            for (int i = 0; i < bends.size(); i++) {
                p[2 + 2 * i] = bends.get(i).getX();
                p[3 + 2 * i] = bends.get(i).getY();
            }
            p[p.length - 2] = s.getEndX();
            p[p.length - 1] = s.getEndY();
            marks.add(new GraphDrawing.Edge(p));
        }
    }

    /**
     * Draws the key from (x, y), wrapping onto a new row past {@code maxWidth}, and returns its
     * width and height.
     */
    private static double[] legend(List<GraphDrawing.Mark> marks, List<Look> looks, boolean values, boolean gradients, double x0,
                                   double y0, double maxWidth) {
        double size = 12, swatch = 26, rowHeight = 22;
        List<Line> labels = new ArrayList<>();
        for (Look look : looks) labels.add(new Line(look.legend, size, false, false, "#333333"));
        if (values) labels.add(new Line("= value", size, false, true, VALUE_COLOUR));
        if (gradients) labels.add(new Line("∂L = gradient of the loss", size, false, true, GRADIENT_COLOUR));
        double x = x0, y = y0, width = 0;
        for (int i = 0; i < labels.size(); i++) {
            Line l = labels.get(i);
            Look look = i < looks.size() ? looks.get(i) : null;
            double w = (look == null ? 0 : swatch + 5) + l.width();
            if (x > x0 && x + w - x0 > maxWidth) {
                x = x0;
                y += rowHeight;
            }
            if (look != null) {
                marks.add(new GraphDrawing.Shape(x, y + 3, swatch, 14, look.radius < 0 ? 7 : 4, look.fill, look.stroke,
                        1, look.dash == null ? null : new double[] {4, 2}));
            }
            marks.add(new GraphDrawing.Text(x + (look == null ? 0 : swatch + 5), y + 14.5, false, false, l));
            width = Math.max(width, x + w - x0);
            x += w + 16;
        }
        return new double[]{width, y - y0 + rowHeight};
    }

    private static double lineHeight(Line l) {
        return Math.round(l.size * 1.35);
    }

    /**
     * An upper estimate of the width of {@code s} in DejaVu Sans / Verdana, the widest of the fonts
     * named in the SVG, so the text fits whichever font the browser picks.
     */
    static double textWidth(String s, double size, boolean bold, boolean mono) {
        if (mono) return s.codePointCount(0, s.length()) * 0.602 * size;
        double em = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("il.,:;'|!".indexOf(c) >= 0) em += 0.32;
            else if ("fjrt()[]{} ".indexOf(c) >= 0) em += 0.40;
            else if ("mwMW%".indexOf(c) >= 0) em += 0.98;
            else if (Character.isUpperCase(c)) em += 0.74;
            else if (Character.isDigit(c)) em += 0.64;
            else em += 0.62;
        }
        return em * size * (bold ? 1.1 : 1.0);
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // XML 1.0 forbids most control characters even when escaped.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') sb.append('?');
                    else sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    private static String num(double v) {
        if (v == Math.rint(v)) return String.valueOf((long) v);
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
