package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Tensor;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorHtmlTest {

    private static List<String> row(Element tr) {
        return tr.children().stream().map(Element::text).toList();
    }

    @Test
    void matrixHasShapeCaptionIndicesAndValues() {
        String html = TensorHtml.render(Tensor.matrix(new double[]{1, 2.5, 3}, new double[]{-4, 0.125, 6}));
        Document doc = Jsoup.parse(html);
        assertEquals("tensor [2, 3] · float64", doc.selectFirst("caption").text());
        assertEquals(List.of("", "0", "1", "2"), row(doc.selectFirst("thead tr")));
        assertEquals(List.of("0", "1", "2.5", "3"), row(doc.select("tbody tr").get(0)));
        assertEquals(List.of("1", "-4", "0.125", "6"), row(doc.select("tbody tr").get(1)));
    }

    @Test
    void largeMatrixKeepsFirstAndLastThreeRowsAndColumnsAroundEllipses() {
        Tensor t = Tensor.arange(100 * 784).reshape(100, 784);
        String html = TensorHtml.render(t);
        Samples.write("tensor-100x784.html", html);
        Document doc = Jsoup.parse(html);
        assertTrue(doc.selectFirst("caption").text().startsWith("tensor [100, 784] · float64"));
        assertEquals(List.of("", "0", "1", "2", "…", "781", "782", "783"), row(doc.selectFirst("thead tr")));
        List<Element> rows = doc.select("tbody tr");
        assertEquals(7, rows.size());
        assertEquals(List.of("0", "0", "1", "2", "…", "781", "782", "783"), row(rows.get(0)));
        assertEquals("…", rows.get(3).child(0).text());
        assertEquals(List.of("99", "77616", "77617", "77618", "…", "78397", "78398", "78399"), row(rows.get(6)));
    }

    @Test
    void vectorIsOneRowAndScalarOneCell() {
        Document v = Jsoup.parse(TensorHtml.render(Tensor.vector(0.5, 1, 2)));
        assertEquals(1, v.select("tbody tr").size());
        assertEquals(List.of("0.5", "1", "2"), row(v.selectFirst("tbody tr")));
        Document s = Jsoup.parse(TensorHtml.render(Tensor.scalar(3.25)));
        assertEquals("tensor [] · float64", s.selectFirst("caption").text());
        assertEquals("3.25", s.selectFirst("tbody td").text());
    }

    @Test
    void higherRanksAreStacksOfMatricesHeadedByTheirLeadingIndex() {
        Tensor t = Tensor.arange(20 * 2 * 3).reshape(20, 2, 3);
        String html = TensorHtml.render(t);
        Samples.write("tensor-20x2x3.html", html);
        Document doc = Jsoup.parse(html);
        List<String> captions = doc.select("caption").eachText();
        assertEquals(List.of("[0, :, :]", "[1, :, :]", "[2, :, :]", "[17, :, :]", "[18, :, :]", "[19, :, :]"), captions);
        assertTrue(doc.text().contains("… 14 more matrices …"), doc.text());
        assertEquals(List.of("1", "117", "118", "119"), row(doc.select("table").get(5).select("tbody tr").get(1)));
    }

    @Test
    void tableEscapesMarkupInNamesAndValues() {
        Table table = Table.create("<b>iris</b>").addColumns(
                StringColumn.create("<script>alert(1)</script>", List.of("<script>x</script>", "a & b")),
                DoubleColumn.create("width", 1.5, 2.0));
        String html = TableHtml.render(table);
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<b>"), html);
        Document doc = Jsoup.parse(html);
        assertTrue(doc.selectFirst("caption").text().startsWith("<b>iris</b> · 2 rows × 2 columns"));
        assertEquals("<script>alert(1)</script>", doc.selectFirst("th").text());
        assertEquals("<script>x</script>", doc.selectFirst("tbody td").text());
    }

    @Test
    void tableDoublesGetFourSignificantDigits() {
        Table table = Table.create("accuracy").addColumns(DoubleColumn.create("svm", 44.0 / 45, 1.0, 0.5));
        List<String> cells = Jsoup.parse(TableHtml.render(table)).select("tbody td").eachText();
        assertEquals(List.of("0.9778", "1", "0.5"), cells, "not 0.9777777777777777");
    }

    @Test
    void longTableShowsFirstAndLastRowsAroundAnEllipsisRow() {
        double[] v = new double[150];
        for (int i = 0; i < v.length; i++) v[i] = i;
        Table table = Table.create("iris").addColumns(DoubleColumn.create("n", v));
        String html = TableHtml.render(table);
        Samples.write("table-150.html", html);
        Document doc = Jsoup.parse(html);
        List<String> cells = doc.select("tbody td").eachText();
        assertEquals(2 * TableHtml.EDGE_ROWS + 1, cells.size());
        assertEquals("…", cells.get(TableHtml.EDGE_ROWS));
        assertTrue(doc.selectFirst("caption").text().contains("150 rows"));
    }
}
