package org.deeptoy.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.deeptoy.data.IdxFilesTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** iris.csv parsing on small files written by the test, valid and broken. */
class IrisCsvTest {
    private static final String HEADER = "sepal_length,sepal_width,petal_length,petal_width,species\n";

    @TempDir
    Path dir;

    private Dataset read(String csv) {
        TestFiles.write(dir, "iris.csv", csv.getBytes(), false);
        return Datasets.iris(dir);
    }

    @Test
    void readsMeasurementsAndSpecies() {
        Dataset d = read(HEADER + "5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n");
        assertArrayEquals(new int[] {0, 1, 2}, d.labels());
        assertArrayEquals(new double[] {7.0, 3.2, 4.7, 1.4}, d.example(1).data());
        assertEquals("virginica", d.className(2));
    }

    @Test
    void rejectsARowWithTooFewColumnsWithItsLineNumber() {
        assertMessage("iris.csv line 3: 3 columns, expected 5",
                () -> read(HEADER + "5.1,3.5,1.4,0.2,setosa\n5.0,3.0,1.0\n6.3,3.3,6.0,2.5,virginica\n"));
    }

    @Test
    void rejectsARowWithTooManyColumnsWithItsLineNumber() {
        assertMessage("iris.csv line 2: 6 columns, expected 5", () -> read(HEADER + "5.1,3.5,1.4,0.2,setosa,7\n"));
    }

    @Test
    void rejectsAnUnknownSpeciesWithItsLineNumber() {
        assertMessage("iris.csv line 3: unknown species 'setosaa', expected one of [setosa, versicolor, virginica]",
                () -> read(HEADER + "5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,setosaa\n"));
    }

    @Test
    void rejectsAMeasurementThatIsNotANumber() {
        assertMessage("iris.csv line 2: sepal_width 'abc' is not a number", () -> read(HEADER + "5.1,abc,1.4,0.2,setosa\n"));
    }

    @Test
    void rejectsAMissingMeasurement() {
        assertMessage("iris.csv line 3: no value for petal_length",
                () -> read(HEADER + "5.1,3.5,1.4,0.2,setosa\n5.1,3.5,,0.2,setosa\n"));
    }

    @Test
    void rejectsAnEmptyFile() {
        assertMessage("iris.csv: the file is empty", () -> read(""));
    }

    @Test
    void rejectsAnUnexpectedHeader() {
        assertMessage("iris.csv line 1: the header is a,b,c,d,e", () -> read("a,b,c,d,e\n5.1,3.5,1.4,0.2,setosa\n"));
    }
}
