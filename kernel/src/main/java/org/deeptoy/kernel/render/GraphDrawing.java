package org.deeptoy.kernel.render;

import java.util.List;

/**
 * A laid-out graph picture as the marks it is drawn with, in drawing order: {@link GraphSvg} writes it
 * as SVG, {@link GraphPng} paints it as PNG, so both show the same picture.
 */
public record GraphDrawing(double width, double height, String title, List<Mark> marks) {
    public GraphDrawing {
        marks = List.copyOf(marks);
    }

    /** One thing drawn. */
    public sealed interface Mark permits Edge, Shape, Text, Group {}

    /** A connection: a polyline (x0, y0, x1, y1, ...) ending in an arrowhead. */
    public record Edge(double[] points) implements Mark {}

    /** A box or key swatch: a rectangle with corners of this radius, dashed when {@code dash} (on, off, ...) is set. */
    public record Shape(double x, double y, double width, double height, double radius, String fill, String stroke,
                        double strokeWidth, double[] dash) implements Mark {}

    /** A line of text at its baseline, centred on x or starting there. */
    public record Text(double x, double baseline, boolean centred, boolean italic, GraphSvg.Line line) implements Mark {}

    /** Marks that belong together (a box and its text). */
    public record Group(List<Mark> marks) implements Mark {}
}
