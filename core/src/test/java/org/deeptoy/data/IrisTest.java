package org.deeptoy.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The real iris.csv (DEEPTOY_DATA). */
class IrisTest {
    @Test
    void hasFiftyOfEachSpeciesInFileOrder() {
        TestFiles.realRoot();
        Dataset iris = Datasets.iris();
        assertArrayEquals(new int[] {150, 4}, iris.x().shape());
        assertEquals(List.of("setosa", "versicolor", "virginica"), iris.classNames());
        assertArrayEquals(new int[] {50, 50, 50}, iris.classCounts());
        assertEquals(0, iris.labels()[49]);
        assertEquals(1, iris.labels()[50]);
        assertEquals(2, iris.labels()[100]);
    }

    @Test
    void irisCsvIsTheFileIrisIsReadFrom() throws java.io.IOException {
        TestFiles.realRoot();
        java.nio.file.Path csv = Datasets.irisCsv();
        assertEquals("iris.csv", csv.getFileName().toString());
        List<String> lines = java.nio.file.Files.readAllLines(csv);
        assertEquals("sepal_length,sepal_width,petal_length,petal_width,species", lines.get(0));
        assertEquals(151, lines.size());
        assertEquals(Datasets.iris().x().sum(), Datasets.iris(csv.getParent()).x().sum());
    }

    @Test
    void followsFishersPaperNotTheUciErrata() {
        Dataset iris = Datasets.iris(TestFiles.realRoot());
        assertArrayEquals(new double[] {4.9, 3.1, 1.5, 0.2}, iris.example(34).data());
        assertArrayEquals(new double[] {4.9, 3.6, 1.4, 0.1}, iris.example(37).data());
        assertArrayEquals(new double[] {5.1, 3.5, 1.4, 0.2}, iris.example(0).data());
        assertEquals(2078.7, iris.x().sum(), 1e-9);
    }
}
