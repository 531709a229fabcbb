package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;
import org.jsoup.nodes.Element;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor as HTML tables (text/html) with its shape and dtype in the caption: a scalar as one
 * cell, a vector as one row, a matrix as a table with row and column indices, and higher ranks
 * as a stack of matrices headed by their leading index. Like numpy, long axes show their first
 * and last {@link #EDGE} entries around a "…".
 */
public final class TensorHtml {
    /** Axes longer than this are cut to their first and last {@link #EDGE} entries. */
    public static final int MAX_AXIS = 10;
    public static final int EDGE = 3;

    private TensorHtml() {}

    public static String render(Tensor t) {
        if (t == null) throw new IllegalArgumentException("TensorHtml.render: the tensor is null");
        int[] shape = t.shape();
        String kind = "tensor " + Shapes.toString(shape) + " · float64";
        if (shape.length <= 2) return matrix(t, kind + cutNote(shape));
        // Higher ranks: one table per trailing matrix, headed by its leading index.
        int rows = shape[shape.length - 2], cols = shape[shape.length - 1];
        int[] lead = Arrays.copyOf(shape, shape.length - 2);
        int count = Shapes.size(lead);
        // Side by side, wrapping: small matrices would waste most of the width stacked one per line.
        StringBuilder sb = new StringBuilder("<div class=\"deeptoy-tensor\" style=\"display:flex;flex-wrap:wrap;"
                + "align-items:flex-start;column-gap:28px\">\n");
        sb.append(new Element("div").attr("style", TableHtml.CAPTION_STYLE + ";flex-basis:100%")
                .text(kind + cutNote(shape)).outerHtml()).append('\n');
        for (int s : kept(count)) {
            if (s < 0) {
                sb.append(new Element("div").attr("style", "color:#999;align-self:center")
                        .text("… " + (count - 2 * EDGE) + " more matrices …").outerHtml()).append('\n');
                continue;
            }
            int[] index = Shapes.unravel(s, lead);
            StringBuilder head = new StringBuilder("[");
            for (int i : index) head.append(i).append(", ");
            head.append(":, :]");
            Tensor m = Tensor.wrap(Arrays.copyOfRange(t.data(), s * rows * cols, (s + 1) * rows * cols), rows, cols);
            sb.append(matrix(m, head.toString())).append('\n');
        }
        return sb.append("</div>").toString();
    }

    private static String matrix(Tensor t, String caption) {
        int[] shape = t.shape();
        double[] d = t.data();
        Table table = Table.create("tensor");
        if (shape.length == 0) {
            table.addColumns(StringColumn.create("value", List.of(Numbers.format(d[0]))));
            return TableHtml.write(table, caption, TensorHtml::plain);
        }
        boolean vector = shape.length == 1;
        int rows = vector ? 1 : shape[0], cols = shape[shape.length - 1];
        List<Integer> keptRows = vector ? List.of(0) : kept(rows);
        List<Integer> keptCols = kept(cols);
        if (!vector) {
            List<String> index = new ArrayList<>();
            for (int r : keptRows) index.add(r < 0 ? TableHtml.ELLIPSIS : String.valueOf(r));
            table.addColumns(StringColumn.create("", index));
        }
        for (int c : keptCols) {
            List<String> cells = new ArrayList<>();
            for (int r : keptRows) cells.add(r < 0 || c < 0 ? TableHtml.ELLIPSIS : Numbers.format(d[r * cols + c]));
            table.addColumns(StringColumn.create(c < 0 ? TableHtml.ELLIPSIS : String.valueOf(c), cells));
        }
        int markerRow = keptRows.indexOf(-1);
        return TableHtml.write(table, caption, (element, column, row) -> {
            Element e = plain(element, column, row);
            boolean indexColumn = !vector && column != null && column.name().isEmpty();
            if (indexColumn && "td".equals(element)) return new Element("th").attr("style", TableHtml.INDEX_STYLE);
            boolean marker = column != null && TableHtml.ELLIPSIS.equals(column.name()) || row != null && row == markerRow;
            if (marker && "td".equals(element)) e.attr("style", TableHtml.MARKER_STYLE);
            return e;
        });
    }

    private static Element plain(String element, Column<?> column, Integer row) {
        Element e = new Element(element);
        if ("table".equals(element)) e.attr("style", TableHtml.TABLE_STYLE);
        return e;
    }

    /** The indices shown along an axis of length n, with -1 where the "…" goes. */
    private static List<Integer> kept(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (n > MAX_AXIS && i == EDGE) {
                out.add(-1);
                i = n - EDGE;
            }
            out.add(i);
        }
        return out;
    }

    private static String cutNote(int[] shape) {
        for (int n : shape) if (n > MAX_AXIS) return " (first and last " + EDGE + " of long axes shown)";
        return "";
    }
}
