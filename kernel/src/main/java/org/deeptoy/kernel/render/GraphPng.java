package org.deeptoy.kernel.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;

/**
 * A graph drawing ({@link GraphSvg#layout}) painted with Java2D as PNG: the picture JupyterLab and
 * Notebook 7 show when the notebook is not trusted and its SVG is withheld. Same layout, colours and
 * text as the SVG, one pixel per SVG unit.
 */
public final class GraphPng {
    /** The arrowhead of an edge: the SVG marker (10 units, markerWidth 7) at stroke width 1.4. */
    private static final double ARROW_LENGTH = 9.8, ARROW_HALF_WIDTH = 4.9;

    private GraphPng() {}

    public static byte[] paint(GraphDrawing d) {
        BufferedImage img = Canvas.image((int) Math.ceil(d.width()), (int) Math.ceil(d.height()));
        Graphics2D g = Canvas.graphics(img);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        for (GraphDrawing.Mark m : d.marks()) paint(g, m);
        g.dispose();
        return Images.compactPng(img);
    }

    private static void paint(Graphics2D g, GraphDrawing.Mark mark) {
        if (mark instanceof GraphDrawing.Edge e) {
            edge(g, e.points());
        } else if (mark instanceof GraphDrawing.Shape s) {
            RoundRectangle2D r = new RoundRectangle2D.Double(s.x(), s.y(), s.width(), s.height(),
                    2 * s.radius(), 2 * s.radius());
            g.setColor(Color.decode(s.fill()));
            g.fill(r);
            g.setColor(Color.decode(s.stroke()));
            g.setStroke(s.dash() == null ? new BasicStroke((float) s.strokeWidth())
                    : new BasicStroke((float) s.strokeWidth(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                    floats(s.dash()), 0));
            g.draw(r);
        } else if (mark instanceof GraphDrawing.Text t) {
            text(g, t);
        } else if (mark instanceof GraphDrawing.Group group) {
            for (GraphDrawing.Mark m : group.marks()) paint(g, m);
        }
    }

    private static void edge(Graphics2D g, double[] p) {
        int n = p.length;
        double dx = p[n - 2] - p[n - 4], dy = p[n - 1] - p[n - 3], len = Math.hypot(dx, dy);
        double ux = len == 0 ? 1 : dx / len, uy = len == 0 ? 0 : dy / len;
        // the line stops where the arrowhead starts, so its end does not poke through the tip
        double baseX = p[n - 2] - ux * ARROW_LENGTH, baseY = p[n - 1] - uy * ARROW_LENGTH;
        Path2D line = new Path2D.Double();
        line.moveTo(p[0], p[1]);
        for (int i = 2; i < n - 2; i += 2) line.lineTo(p[i], p[i + 1]);
        line.lineTo(baseX, baseY);
        g.setColor(Color.decode(GraphSvg.EDGE_COLOUR));
        g.setStroke(new BasicStroke(1.4f));
        g.draw(line);
        Path2D head = new Path2D.Double();
        head.moveTo(p[n - 2], p[n - 1]);
        head.lineTo(baseX - uy * ARROW_HALF_WIDTH, baseY + ux * ARROW_HALF_WIDTH);
        head.lineTo(baseX + uy * ARROW_HALF_WIDTH, baseY - ux * ARROW_HALF_WIDTH);
        head.closePath();
        g.fill(head);
    }

    private static void text(Graphics2D g, GraphDrawing.Text t) {
        GraphSvg.Line l = t.line();
        int style = (l.bold() ? Font.BOLD : Font.PLAIN) | (t.italic() ? Font.ITALIC : Font.PLAIN);
        // the logical fonts map to DejaVu on Debian, the first font the SVG names
        Font font = new Font(l.mono() ? Font.MONOSPACED : Font.SANS_SERIF, style, 1).deriveFont((float) l.size());
        g.setFont(font);
        g.setColor(Color.decode(l.colour()));
        double width = g.getFontMetrics().getStringBounds(l.text(), g).getWidth();
        g.drawString(l.text(), (float) (t.centred() ? t.x() - width / 2 : t.x()), (float) t.baseline());
    }

    private static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }
}
