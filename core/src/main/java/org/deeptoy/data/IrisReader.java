package org.deeptoy.data;

import org.deeptoy.tensor.Tensor;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.io.csv.CsvReader;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code iris.csv}: a header {@code sepal_length,sepal_width,petal_length,petal_width,species}
 * and 150 rows of four measurements (cm) and a species name.
 */
final class IrisReader {
    static final List<String> COLUMNS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "species");
    static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    private IrisReader() {
    }

    static Dataset read(Path file) {
        Table table;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            ColumnType d = ColumnType.DOUBLE;
            table = new CsvReader().read(CsvReadOptions.builder(r).header(true)
                    .columnTypes(new ColumnType[] {d, d, d, d, ColumnType.STRING}).build());
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e, e);
        } catch (RuntimeException e) {
            // Tablesaw reports rows, not lines, and sometimes only an index: find the line ourselves.
            throw diagnose(file, "Tablesaw could not read it: " + e.getMessage(), e);
        }
        if (table.columnCount() == 0) {
            throw new DatasetException(file + ": the file is empty; expected a header line " + String.join(",", COLUMNS)
                    + " and 150 rows");
        }
        if (!table.columnNames().equals(COLUMNS)) {
            throw new DatasetException(file + " line 1: the header is " + String.join(",", table.columnNames())
                    + ", expected " + String.join(",", COLUMNS));
        }
        int n = table.rowCount();
        double[] x = new double[n * 4];
        int[] labels = new int[n];
        StringColumn species = table.stringColumn(4);
        for (int c = 0; c < 4; c++) {
            DoubleColumn col = table.doubleColumn(c);
            for (int i = 0; i < n; i++) {
                if (col.isMissing(i)) throw diagnose(file, "row " + (i + 1) + " has no " + COLUMNS.get(c), null);
                x[i * 4 + c] = col.getDouble(i);
            }
        }
        for (int i = 0; i < n; i++) {
            labels[i] = speciesIndex(species.get(i));
            if (labels[i] < 0) throw diagnose(file, "row " + (i + 1) + " has unknown species '" + species.get(i) + "'", null);
        }
        if (n == 0) throw new DatasetException(file + ": no rows after the header");
        return new Dataset("Iris", Tensor.wrap(x, n, 4), labels, SPECIES);
    }

    /** Index of a species name, accepting UCI's {@code Iris-setosa} spelling; -1 if unknown. */
    static int speciesIndex(String name) {
        String s = name == null ? "" : name.strip();
        if (s.startsWith("Iris-")) s = s.substring(5);
        return SPECIES.indexOf(s);
    }

    /** An error naming the first bad line of {@code file}, or {@code fallback} if every line looks fine. */
    private static DatasetException diagnose(Path file, String fallback, Throwable cause) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new DatasetException(file + ": " + fallback, cause);
        }
        if (lines.isEmpty()) return new DatasetException(file + ": the file is empty; expected a header line "
                + String.join(",", COLUMNS) + " and 150 rows", cause);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String problem = problem(line.split(",", -1));
            if (problem != null) {
                return new DatasetException(file + " line " + (i + 1) + ": " + problem + ": '" + line + "'", cause);
            }
        }
        return new DatasetException(file + ": " + fallback, cause);
    }

    private static String problem(String[] f) {
        if (f.length != 5) return f.length + " columns, expected 5 (" + String.join(",", COLUMNS) + ")";
        for (int c = 0; c < 4; c++) {
            if (f[c].isBlank()) return "no value for " + COLUMNS.get(c);
            try {
                Double.parseDouble(f[c].strip());
            } catch (NumberFormatException e) {
                return COLUMNS.get(c) + " '" + f[c] + "' is not a number";
            }
        }
        if (speciesIndex(f[4]) < 0) return "unknown species '" + f[4] + "', expected one of " + SPECIES;
        return null;
    }

    /**
     * Converts UCI's {@code iris.data} (no header, {@code Iris-setosa} names) to this project's
     * {@code iris.csv}, applying the two corrections of Fisher's paper that scikit-learn and R use
     * (sample 35: petal width 0.2; sample 38: sepal width 3.6, petal length 1.4).
     */
    static byte[] fromUci(byte[] uci) {
        List<String> out = new ArrayList<>();
        out.add(String.join(",", COLUMNS));
        for (String line : new String(uci, StandardCharsets.US_ASCII).split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.strip().split(",", -1);
            if (f.length != 5 || speciesIndex(f[4]) < 0) {
                throw new DatasetException("iris.data: unexpected line '" + line + "'");
            }
            int sample = out.size();
            if (sample == 35) f[3] = "0.2";
            if (sample == 38) {
                f[1] = "3.6";
                f[2] = "1.4";
            }
            f[4] = SPECIES.get(speciesIndex(f[4]));
            out.add(String.join(",", f));
        }
        return (String.join("\n", out) + "\n").getBytes(StandardCharsets.US_ASCII);
    }
}
