package org.deeptoy.kernel.render;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChartsTest {

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) n++;
        }
        return n;
    }

    @Test
    void lossCurveRendersHeadlessAtChartSizeInTheSeriesColours() throws IOException {
        double[] train = new double[40], val = new double[40];
        for (int i = 0; i < 40; i++) {
            train[i] = 2.3 * Math.exp(-i / 8.0) + 0.1;
            val[i] = 2.3 * Math.exp(-i / 9.0) + 0.18;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", train);
        series.put("validation", val);
        byte[] png = Charts.png(Charts.lossCurve(series));
        Samples.write("loss-curve.png", png);
        BufferedImage img = ImagesTest.decode(png);
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertTrue(count(img, Charts.PALETTE[0]) > 100, "first series drawn");
        assertTrue(count(img, Charts.PALETTE[1]) > 100, "second series drawn");
    }

    @Test
    void liveChartRendersBeforeTheFirstValueArrives() throws IOException {
        BufferedImage img = ImagesTest.decode(Charts.png(Charts.curves("Loss", "batch", "loss", Map.of("loss", new double[0]))));
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(0, count(img, Charts.PALETTE[0]));
    }

    @Test
    void accuracyCurveSpansZeroToOne() throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("train", new double[]{0.6, 0.8, 0.9, 0.95});
        series.put("validation", new double[]{0.55, 0.75, 0.85, 0.88});
        XYChart chart = Charts.accuracyCurve(series);
        assertEquals(0.0, chart.getStyler().getYAxisMin());
        assertEquals(1.0, chart.getStyler().getYAxisMax());
        byte[] png = Charts.png(chart);
        Samples.write("accuracy-curve.png", png);
        assertTrue(count(ImagesTest.decode(png), Charts.PALETTE[1]) > 50);
    }

    @Test
    void curvesRejectSeriesLongerThanX() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.curves("t", "x", "y", new double[]{1, 2}, Map.of("loss", new double[]{1, 2, 3})));
        assertTrue(e.getMessage().contains("'loss' has 3 values but x has only 2"), e.getMessage());
    }

    @Test
    void irisScatterAndDecisionRegionsDrawEachClass() throws IOException {
        List<String> lines = Files.readAllLines(Datasets.dir("iris").resolve("iris.csv"));
        List<String> names = new ArrayList<>();
        int n = lines.size() - 1;
        double[] x = new double[n], y = new double[n];
        int[] cls = new int[n];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            x[i] = Double.parseDouble(f[2]);
            y[i] = Double.parseDouble(f[3]);
            if (!names.contains(f[4])) names.add(f[4]);
            cls[i] = names.indexOf(f[4]);
        }
        byte[] scatter = Charts.png(Charts.scatter("Iris", "petal length (cm)", "petal width (cm)", x, y, cls, names));
        Samples.write("iris-scatter.png", scatter);
        BufferedImage s = ImagesTest.decode(scatter);
        for (int c = 0; c < 3; c++) assertTrue(count(s, Charts.PALETTE[c]) > 20, "class " + c);

        // Nearest class centroid: a classifier simple enough to write here.
        double[][] centre = new double[3][2];
        int[] size = new int[3];
        for (int i = 0; i < n; i++) {
            centre[cls[i]][0] += x[i];
            centre[cls[i]][1] += y[i];
            size[cls[i]]++;
        }
        for (int c = 0; c < 3; c++) {
            centre[c][0] /= size[c];
            centre[c][1] /= size[c];
        }
        double[] gx = new double[80], gy = new double[60];
        for (int j = 0; j < gx.length; j++) gx[j] = 0.5 + j * 6.5 / (gx.length - 1);
        for (int i = 0; i < gy.length; i++) gy[i] = -0.2 + i * 2.9 / (gy.length - 1);
        int[][] predicted = new int[gy.length][gx.length];
        for (int i = 0; i < gy.length; i++) {
            for (int j = 0; j < gx.length; j++) {
                int best = 0;
                for (int c = 1; c < 3; c++) {
                    if (Math.hypot(gx[j] - centre[c][0], gy[i] - centre[c][1])
                            < Math.hypot(gx[j] - centre[best][0], gy[i] - centre[best][1])) best = c;
                }
                predicted[i][j] = best;
            }
        }
        byte[] regions = Charts.png(Charts.decisionRegions("Nearest centroid", "petal length (cm)", "petal width (cm)",
                gx, gy, predicted, x, y, cls, names));
        Samples.write("iris-regions.png", regions);
        BufferedImage r = ImagesTest.decode(regions);
        assertEquals(Charts.WIDTH, r.getWidth());
        for (int c = 0; c < 3; c++) assertTrue(count(r, Charts.PALETTE[c]) > 20, "points of class " + c);
    }

    @Test
    void confusionMatrixOfANearestCentroidMnistClassifier() throws IOException {
        int[] labels = new int[2000];
        Tensor digits = Datasets.mnist(2000, labels);
        double[] d = digits.data();
        double[][] centre = new double[10][784];
        int[] size = new int[10];
        for (int i = 0; i < 1000; i++) {
            size[labels[i]]++;
            for (int j = 0; j < 784; j++) centre[labels[i]][j] += d[i * 784 + j];
        }
        for (int c = 0; c < 10; c++) for (int j = 0; j < 784; j++) centre[c][j] /= size[c];
        int[][] counts = new int[10][10];
        for (int i = 1000; i < 2000; i++) {
            int best = -1;
            double bestDist = Double.POSITIVE_INFINITY;
            for (int c = 0; c < 10; c++) {
                double s = 0;
                for (int j = 0; j < 784; j++) s += Math.pow(d[i * 784 + j] - centre[c][j], 2);
                if (s < bestDist) {
                    bestDist = s;
                    best = c;
                }
            }
            counts[labels[i]][best]++;
        }
        List<String> names = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        byte[] png = Charts.confusionMatrix(counts, names);
        Samples.write("mnist-confusion.png", png);
        BufferedImage img = ImagesTest.decode(png);
        assertTrue(img.getWidth() > 10 * 46 && img.getHeight() > 10 * 46, img.getWidth() + "x" + img.getHeight());
        // The most frequent mistake is drawn in the darkest red, however large the diagonal.
        assertTrue(count(img, Charts.MISTAKE_RED) > 46 * 46 / 2, "the largest off-diagonal cell is dark red");

        List<String> cifar = List.of(Datasets.cifarNames());
        int[][] c10 = new int[10][10];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) c10[i][j] = i == j ? 600 + 30 * i : (i * 7 + j * 3) % 40;
        Samples.write("cifar-confusion.png", Charts.confusionMatrix(c10, cifar));
    }

    @Test
    void heatMapFramesTheBestCellAndRejectsARaggedGrid() throws IOException {
        double[] rates = {1e-4, 3e-4, 1e-3}, l2 = {1e-4, 1e-3, 1e-2, 0.1};
        double[][] acc = {{0.31, 0.33, 0.35, 0.30}, {0.36, 0.39, 0.41, 0.32}, {0.34, Double.NaN, 0.37, 0.29}};
        byte[] png = Charts.heatMap("Validation accuracy", "learning rate", rates, "L2 strength", l2, acc);
        Samples.write("heat-map.png", png);
        BufferedImage img = ImagesTest.decode(png);
        assertTrue(img.getWidth() > 4 * 72 && img.getHeight() > 3 * 40, img.getWidth() + "x" + img.getHeight());
        assertTrue(count(img, new Color(0x1f77b4)) > 100, "the best cell is framed in blue");
        assertTrue(count(img, new Color(0xdddddd)) > 500, "the NaN cell is grey");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.heatMap("t", "a", rates, "b", l2, new double[][]{{1, 2, 3, 4}, {1, 2}, {1, 2, 3, 4}}));
        assertTrue(e.getMessage().contains("row 1 has 2 values, expected 4"), e.getMessage());
    }

    @Test
    void histogramsShareARowsRangeAndWriteEachStd() throws IOException {
        // Row "saturated": every value -1 or +1 (bars only at the two ends); row "shrinking": the second
        // cell 100 times narrower than the first (a spike in the middle of the shared range); row "zero".
        java.util.Random r = new java.util.Random(1);
        double[] ends = new double[400], wide = new double[400], narrow = new double[400];
        for (int i = 0; i < 400; i++) {
            ends[i] = i % 2 == 0 ? -1 : 1;
            wide[i] = r.nextGaussian();
            narrow[i] = r.nextGaussian() / 100;
        }
        double[][][] values = {{ends, ends}, {wide, narrow}, {new double[50], new double[50]}};
        byte[] png = Charts.histograms("Activations", List.of("saturated", "shrinking", "zero"), List.of("layer 1", "layer 2"), values);
        Samples.write("histograms.png", png);
        BufferedImage img = ImagesTest.decode(png);
        int rowH = (img.getHeight() - 60) / 3;
        int[] saturated = barColumns(img, 40, 40 + rowH / 2);
        assertTrue(saturated.length >= 4, "bars drawn in the saturated row: " + saturated.length);
        for (int x : saturated) {
            int inCell = (x - saturated[0]) % 101; // cells are 93 pixels wide, 8 apart; the first bar starts the first cell
            assertTrue(inCell < 4 || (inCell > 88 && inCell < 93),
                    "a saturated row's bars sit at the ends of each cell, found one " + inCell + " pixels into its cell");
        }
        assertTrue(HistogramGrid.std(narrow) < 0.02 && Math.abs(HistogramGrid.std(ends) - 1) < 1e-12);
        assertTrue(count(img, HistogramGrid.BAR) > 1000, "bars drawn");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.histograms("t", List.of("a", "b"), List.of("1", "2"), new double[][][]{{ends, ends}, {ends}}));
        assertTrue(e.getMessage().contains("row 1 has 1 histograms, expected 2"), e.getMessage());
    }

    /** The x positions in rows y0..y1 where a bar colour is drawn. */
    private static int[] barColumns(BufferedImage img, int y0, int y1) {
        List<Integer> xs = new ArrayList<>();
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = y0; y < y1; y++) {
                if ((img.getRGB(x, y) & 0xffffff) == (HistogramGrid.BAR.getRGB() & 0xffffff)) {
                    xs.add(x);
                    break;
                }
            }
        }
        return xs.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void confusionMatrixRejectsARaggedTable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Charts.confusionMatrix(new int[][]{{1, 2}, {3}}, List.of("a", "b")));
        assertTrue(e.getMessage().contains("row 1 has 1 counts, expected 2"), e.getMessage());
    }
}
