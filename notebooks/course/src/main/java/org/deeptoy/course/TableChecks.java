package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.data.Dataset;
import org.deeptoy.tensor.Tensor;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Notebook 9b's exercise (a table read from a CSV into a Dataset). */
public final class TableChecks {
    private TableChecks() {}

    /** The student's conversion. */
    @FunctionalInterface
    public interface FromTable {
        Dataset convert(Table table, String labelColumn);
    }

    private static final List<String> ANIMALS = List.of("owl", "cat", "emu", "ant", "dog", "bee");

    /**
     * Exercise: every number column but the label column becomes a feature (table order), the label column's
     * texts, sorted, are the class names numbered from 0. Three random tables: number columns of doubles and
     * ints, a text column that is not the label, the label column anywhere, once made of numbers.
     */
    public static boolean fromTable(FromTable fromTable) {
        if (fromTable == null) return fail("pass your method, e.g. (table, labelColumn) -> fromTable(table, labelColumn)");
        Random r = cases();
        for (int k = 0; k < 3; k++) {
            Case c = randomCase(r, k == 1);
            String on = " (for a table of " + c.table.rowCount() + " rows with columns " + c.table.columnNames()
                    + ", label column \"" + c.label + "\")";
            Table given = c.table.copy();
            Outcome<Dataset> made = attempt(() -> fromTable.convert(given, c.label));
            if (made.failed()) return fail(made.problem() + on);
            Dataset d = made.value();
            if (d == null) return fail("fromTable returns null: return new Dataset(name, x, labels, classNames)" + on);
            String problem = problem(d, c);
            if (problem != null) return fail(problem + on);
        }
        return pass("your Datasets have the number columns as features, row by row, and the sorted class names, for"
                + " three tables (a text label, a number label, a text column that is not a label)");
    }

    /** A table and the Dataset it should give. */
    private record Case(Table table, String label, Tensor x, int[] labels, List<String> classes, List<String> firstSeen,
                        Tensor withLabel) {}

    private static Case randomCase(Random r, boolean numberLabel) {
        int rows = 5 + r.nextInt(8), numbers = 2 + r.nextInt(3);
        List<Column<?>> columns = new ArrayList<>();
        List<double[]> features = new ArrayList<>();
        for (int j = 0; j < numbers; j++) {
            double[] v = new double[rows];
            if (r.nextBoolean()) {
                int[] ints = new int[rows];
                for (int i = 0; i < rows; i++) v[i] = ints[i] = r.nextInt(100) - 50;
                columns.add(IntColumn.create("n" + (j + 1), ints));
            } else {
                for (int i = 0; i < rows; i++) v[i] = Math.round(r.nextGaussian() * 1000) / 100.0;
                columns.add(DoubleColumn.create("x" + (j + 1), v));
            }
            features.add(v);
        }
        String[] notes = new String[rows];
        for (int i = 0; i < rows; i++) notes[i] = "row " + (i + 1);
        columns.add(r.nextInt(columns.size() + 1), StringColumn.create("note", notes));
        // The classes appear in an order that is not sorted, so that both orders differ.
        List<String> pool = new ArrayList<>(numberLabel ? List.of("7", "2", "9", "4") : ANIMALS);
        Collections.shuffle(pool, r);
        int classes = 2 + r.nextInt(2);
        List<String> names = new ArrayList<>(pool.subList(0, classes));
        if (new TreeSet<>(names).iterator().next().equals(names.get(0))) Collections.swap(names, 0, 1);
        String[] text = new String[rows];
        for (int i = 0; i < rows; i++) text[i] = i < classes ? names.get(i) : names.get(r.nextInt(classes));
        Column<?> label;
        if (numberLabel) {
            int[] codes = new int[rows];
            for (int i = 0; i < rows; i++) codes[i] = Integer.parseInt(text[i]);
            label = IntColumn.create("kind", codes);
        } else {
            label = StringColumn.create("kind", text);
        }
        int at = r.nextInt(columns.size() + 1);
        columns.add(at, label);
        Table table = Table.create("random table", columns.toArray(Column<?>[]::new));
        List<String> sorted = new ArrayList<>(new TreeSet<>(Arrays.asList(text)));
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) labels[i] = sorted.indexOf(text[i]);
        return new Case(table, "kind", rowByRow(features, rows), labels, sorted, new ArrayList<>(new LinkedHashSet<>(Arrays.asList(text))),
                numberLabel ? rowByRow(withLabelColumn(columns, label, features, text), rows) : null);
    }

    /** The number columns in table order with the (number) label column among them, as a mistaken answer has them. */
    private static List<double[]> withLabelColumn(List<Column<?>> columns, Column<?> label, List<double[]> features, String[] text) {
        List<double[]> out = new ArrayList<>();
        int f = 0;
        for (Column<?> col : columns) {
            if (col == label) out.add(Arrays.stream(text).mapToDouble(Double::parseDouble).toArray());
            else if (!(col instanceof StringColumn)) out.add(features.get(f++));
        }
        return out;
    }

    private static Tensor rowByRow(List<double[]> columns, int rows) {
        double[] x = new double[rows * columns.size()];
        for (int j = 0; j < columns.size(); j++) for (int i = 0; i < rows; i++) x[i * columns.size() + j] = columns.get(j)[i];
        return Tensor.wrap(x, rows, columns.size());
    }

    /** What is wrong with the student's Dataset, or null. */
    private static String problem(Dataset d, Case c) {
        int rows = c.labels.length, features = c.x.dim(1);
        Tensor x = d.x();
        if (x == null) return "your Dataset has no features";
        if (c.withLabel != null && Arrays.equals(x.shape(), c.withLabel.shape()) && x.allClose(c.withLabel, 1e-9)) {
            return "the label column is among your features: it is made of numbers, but it is what the model must predict";
        }
        if (Arrays.equals(x.shape(), new int[] {features, rows}) && features != rows) {
            return "your features have shape [features, rows]: a Dataset has one row per example";
        }
        if (!Arrays.equals(x.shape(), c.x.shape())) {
            return "your features have shape " + Compare.shape(x) + "; count the rows, and the number columns other than"
                    + " the label column (a text column is no feature)";
        }
        if (!x.allClose(c.x, 1e-9)) {
            Tensor columnByColumn = Tensor.wrap(transposedData(c.x), rows, features);
            if (x.allClose(columnByColumn, 1e-9)) {
                return "your features are filled column by column: element [i, j] is row i of feature column j";
            }
            String p = tensorProblem("your features", x, c.x);
            return p + ": the features are the number columns in the table's order";
        }
        if (d.classNames().equals(c.firstSeen) && !c.firstSeen.equals(c.classes)) {
            return "your class names are in the order they first appear; sort them (a TreeSet does), so that the same"
                    + " classes get the same numbers whatever the rows' order";
        }
        if (!d.classNames().equals(c.classes)) {
            return "your class names are " + d.classNames() + ": they should be the label column's values, each once, sorted";
        }
        if (!Arrays.equals(d.labels(), c.labels)) {
            return "your labels: each example's label is the place of its class name among the sorted class names";
        }
        return null;
    }

    private static double[] transposedData(Tensor x) {
        int rows = x.dim(0), cols = x.dim(1);
        double[] t = new double[rows * cols], v = x.data();
        // element k of the column-by-column filling holds column (k / rows), row (k % rows)
        for (int k = 0; k < t.length; k++) t[k] = v[(k % rows) * cols + k / rows];
        return t;
    }
}
