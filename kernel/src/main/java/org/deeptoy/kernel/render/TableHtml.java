package org.deeptoy.kernel.render;

import org.jsoup.nodes.Element;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A Tablesaw table as HTML (text/html): a caption with its name and size, all text escaped, and
 * long tables cut to their first and last rows around a "…" row.
 */
public final class TableHtml {
    /** Tables with more rows than this show only their first and last {@link #EDGE_ROWS}. */
    public static final int MAX_ROWS = 20;
    public static final int EDGE_ROWS = 5;

    static final String ELLIPSIS = "…";
    static final String TABLE_STYLE = "border-collapse:collapse;font-variant-numeric:tabular-nums";
    static final String CAPTION_STYLE = "caption-side:top;text-align:left;color:#555;font-size:90%;padding:2px 0;white-space:nowrap";
    static final String MARKER_STYLE = "text-align:center;color:#999";
    static final String INDEX_STYLE = "font-weight:bold;color:#555;text-align:right";

    private TableHtml() {}

    public static String render(Table table) {
        if (table == null) throw new IllegalArgumentException("TableHtml.render: the table is null");
        int n = table.rowCount();
        boolean cut = n > MAX_ROWS;
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE_ROWS) {
                rows.add(-1);
                i = n - EDGE_ROWS;
            }
            rows.add(i);
        }
        Table shown = Table.create(table.name() == null ? "" : table.name());
        for (Column<?> col : table.columns()) {
            List<String> cells = new ArrayList<>(rows.size());
            for (int r : rows) cells.add(r < 0 ? ELLIPSIS : cell(col, r));
            shown.addColumns(StringColumn.create(col.name(), cells));
        }
        String name = table.name() == null || table.name().isBlank() ? "table" : table.name();
        String caption = name + " · " + n + (n == 1 ? " row" : " rows") + " × " + table.columnCount()
                + (table.columnCount() == 1 ? " column" : " columns") + (cut ? " (first and last " + EDGE_ROWS + " shown)" : "");
        int marker = rows.indexOf(-1);
        return write(shown, caption, (element, column, row) -> {
            Element e = new Element(element);
            if ("table".equals(element)) e.attr("style", TABLE_STYLE);
            if (row != null && row == marker && "td".equals(element)) e.attr("style", MARKER_STYLE);
            return e;
        });
    }

    /** Writes {@code table} with Tablesaw's HtmlWriter (escaping on) and puts {@code caption} first. */
    /** A cell as text; a double Tablesaw would print in full (0.9777777777777777) gets 4 significant digits. */
    private static String cell(Column<?> col, int row) {
        String s = col.getString(row);
        if (col instanceof tech.tablesaw.api.DoubleColumn d && !d.isMissing(row) && s.equals(String.valueOf(d.getDouble(row)))) {
            return Numbers.format(d.getDouble(row), 4);
        }
        return s;
    }

    static String write(Table table, String caption, HtmlWriteOptions.ElementCreator cells) {
        StringWriter out = new StringWriter();
        try {
            new HtmlWriter().write(table, HtmlWriteOptions.builder(out).escapeText(true).elementCreator(cells).build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // a StringWriter never fails
        }
        String html = out.toString();
        int open = html.indexOf('>', html.indexOf("<table")) + 1;
        String cap = new Element("caption").attr("style", CAPTION_STYLE).text(caption).outerHtml();
        return html.substring(0, open) + "\n" + cap + html.substring(open);
    }
}
