package org.deeptoy.kernel.render;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Charts for training and data (XChart, drawn headless): learning curves, a scatter plot by class,
 * decision regions, a confusion matrix; {@link #png} turns any XChart chart into PNG bytes.
 * The first chart in a JVM costs about a second of AWT start-up; call {@link #warmUp()} early.
 */
public final class Charts {
    public static final int WIDTH = 640, HEIGHT = 400;

    /** Matplotlib's "tab10": distinct, and familiar to anyone who has seen a Python notebook. */
    /** The darkest red of a confusion matrix: its most frequent mistake. */
    static final Color MISTAKE_RED = new Color(0xcb181d);
    static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Charts() {}

    /** PNG bytes of any XChart chart, at its own size. */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // encodes to memory: does not happen
        }
    }

    /** Base64 PNG of a chart, for Jupyter's image/png MIME entry. */
    public static String base64(Chart<?, ?> chart) {
        return Images.base64(png(chart));
    }

    /** Draws one small chart so the AWT start-up (about a second) is paid before the first real one. */
    public static void warmUp() {
        png(curves("warm-up", "x", "y", Map.of("y", new double[]{1, 2})));
    }

    /**
     * Line chart of named series against 1, 2, 3, … (e.g. epochs); empty series are left out, so a
     * live chart can be drawn before the first value arrives.
     */
    public static XYChart curves(String title, String xLabel, String yLabel, Map<String, double[]> series) {
        return curves(title, xLabel, yLabel, null, series);
    }

    /**
     * Line chart of named series against {@code x} (null for 1, 2, 3, …); a series shorter than
     * {@code x} is drawn over the first x values (training still running).
     */
    public static XYChart curves(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        XYChart chart = newChart(title, xLabel, yLabel);
        chart.getStyler().setLegendVisible(series.size() > 1);
        int k = 0, longest = 0;
        double firstX = 0, secondX = 1, firstY = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            if (y == null || y.length == 0) {
                k++;
                continue;
            }
            if (x != null && x.length < y.length) {
                throw new IllegalArgumentException("Charts.curves: series '" + e.getKey() + "' has " + y.length
                        + " values but x has only " + x.length);
            }
            double[] xs = new double[y.length];
            for (int i = 0; i < y.length; i++) xs[i] = x == null ? i + 1 : x[i];
            if (y.length > longest) {
                longest = y.length;
                firstX = xs[0];
                secondX = y.length > 1 ? xs[1] : xs[0] + 1;
                firstY = y[0];
            }
            XYSeries s = chart.addSeries(e.getKey(), xs, y);
            s.setLineColor(PALETTE[k % PALETTE.length]);
            s.setMarkerColor(PALETTE[k % PALETTE.length]);
            s.setLineWidth(2f);
            s.setMarker(y.length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            k++;
        }
        if (longest > 20) {
            // XChart labels equally spaced x values with its own tick rule, which crowds the labels of
            // long series ("113127141…"); one invisible off-grid point sends it to its normal rule.
            XYSeries s = chart.addSeries("\u200b", new double[]{firstX + 0.5 * (secondX - firstX)}, new double[]{firstY});
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(false);
            s.setLineColor(new Color(0, 0, 0, 0));
        }
        if (chart.getSeriesMap().isEmpty()) {
            // XChart cannot draw an empty chart; an invisible point keeps the axes and titles.
            XYSeries s = chart.addSeries(" ", new double[]{1}, new double[]{0});
            s.setMarker(SeriesMarkers.NONE);
            s.setShowInLegend(false);
            s.setLineColor(new Color(0, 0, 0, 0));
        }
        return chart;
    }

    /** Loss per epoch, e.g. {@code lossCurve(Map.of("train", history.trainLoss()))}. */
    public static XYChart lossCurve(Map<String, double[]> series) {
        XYChart chart = curves("Loss", "epoch", "loss", series);
        chart.getStyler().setYAxisMin(0.0); // a loss is never below 0; a zoomed axis exaggerates small changes
        // Losses start high at the left and may stay high (a learning rate too low): a key inside the
        // plot would hide a curve, so several series get theirs below it.
        if (series.size() > 1) chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        return chart;
    }

    /** One loss series per epoch. */
    public static XYChart lossCurve(double[] loss) {
        return lossCurve(Map.of("loss", loss));
    }

    /** Accuracies (0..1) per epoch, e.g. train and validation, on a 0..1 axis. */
    public static XYChart accuracyCurve(Map<String, double[]> series) {
        XYChart chart = curves("Accuracy", "epoch", "accuracy", series);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        return chart;
    }

    /**
     * Points of two features coloured by class, e.g. Iris petal length against petal width.
     *
     * @param classes the class of each point, 0 … names.size() - 1
     */
    public static XYChart scatter(String title, String xLabel, String yLabel, double[] x, double[] y, int[] classes,
                                  List<String> names) {
        XYChart chart = newChart(title, xLabel, yLabel);
        chart.getStyler().setMarkerSize(8);
        // Points fill the plot, so the key goes beside it rather than over them.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        addPoints(chart, x, y, classes, names, "Charts.scatter");
        return chart;
    }

    /**
     * Decision regions of a classifier over two features: {@code predicted[i][j]} is the class
     * predicted at ({@code gridX[j]}, {@code gridY[i]}); the regions are drawn pale, the data
     * points on top in full colour.
     */
    public static XYChart decisionRegions(String title, String xLabel, String yLabel, double[] gridX, double[] gridY,
                                          int[][] predicted, double[] x, double[] y, int[] classes, List<String> names) {
        if (predicted.length != gridY.length) {
            throw new IllegalArgumentException("Charts.decisionRegions: predicted has " + predicted.length
                    + " rows but gridY has " + gridY.length + " values");
        }
        XYChart chart = newChart(title, xLabel, yLabel);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        int k = names.size();
        List<List<Double>> gx = new ArrayList<>(), gy = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            gx.add(new ArrayList<>());
            gy.add(new ArrayList<>());
        }
        for (int i = 0; i < gridY.length; i++) {
            if (predicted[i].length != gridX.length) {
                throw new IllegalArgumentException("Charts.decisionRegions: predicted[" + i + "] has " + predicted[i].length
                        + " values but gridX has " + gridX.length);
            }
            for (int j = 0; j < gridX.length; j++) {
                int c = checkClass(predicted[i][j], k, "Charts.decisionRegions: predicted[" + i + "][" + j + "]");
                gx.get(c).add(gridX[j]);
                gy.get(c).add(gridY[i]);
            }
        }
        // Squares about one grid step wide so the regions tile: the plot is roughly 75% of the chart.
        int cell = (int) Math.ceil(Math.max(0.72 * WIDTH / gridX.length, 0.75 * HEIGHT / gridY.length)) + 1;
        for (int c = 0; c < k; c++) {
            if (gx.get(c).isEmpty()) continue;
            XYSeries s = chart.addSeries("region " + names.get(c), gx.get(c), gy.get(c));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.SQUARE);
            s.setMarkerColor(pale(PALETTE[c % PALETTE.length]));
            s.setShowInLegend(false);
        }
        chart.getStyler().setMarkerSize(cell);
        chart.getStyler().setPlotGridLinesVisible(false);
        addPoints(chart, x, y, classes, names, "Charts.decisionRegions");
        chart.getStyler().setXAxisMin(gridX[0]).setXAxisMax(gridX[gridX.length - 1]);
        chart.getStyler().setYAxisMin(gridY[0]).setYAxisMax(gridY[gridY.length - 1]);
        return chart;
    }

    /**
     * Scores over a grid of two hyperparameters as a PNG heat map, e.g. validation accuracy for each
     * learning rate (rows) and L2 strength (columns): {@code values[r][c]} belongs to {@code rows[r]} and
     * {@code columns[c]}. Each cell shows its value; a colour key maps colours to values; the best
     * (largest) cell is framed in blue. NaN marks a run without a score (e.g. one that diverged).
     */
    public static byte[] heatMap(String title, String rowName, double[] rows, String columnName, double[] columns,
                                 double[][] values) {
        return HeatMap.draw(title, rowName, rows, columnName, columns, values);
    }

    /**
     * Small histograms in rows and columns as a PNG, e.g. the activations of each layer (columns) of a
     * deep net under each initialisation (rows): {@code values[r][c]} are the numbers of row {@code r},
     * column {@code c}. Each histogram has its standard deviation written under it; the histograms of a
     * row share one x range, symmetric around 0, so values that shrink from layer to layer show as a
     * narrowing spike.
     */
    public static byte[] histograms(String title, List<String> rows, List<String> columns, double[][][] values) {
        return HistogramGrid.draw(title, rows, columns, values);
    }

    /**
     * A confusion matrix as a PNG heat map: rows are true classes, columns predicted ones, each cell
     * shows its count. The diagonal (right answers) is blue, shaded by the share of its row; the cells
     * off it (mistakes) have a red scale of their own, up to the largest mistake count, so that a good
     * classifier's few mistakes show instead of fading beside a diagonal of thousands.
     */
    public static byte[] confusionMatrix(int[][] counts, List<String> names) {
        int k = names.size();
        if (counts.length != k) {
            throw new IllegalArgumentException("Charts.confusionMatrix: " + counts.length + " rows for " + k + " class names");
        }
        for (int i = 0; i < k; i++) {
            if (counts[i].length != k) {
                throw new IllegalArgumentException("Charts.confusionMatrix: row " + i + " has " + counts[i].length
                        + " counts, expected " + k);
            }
        }
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 13), bold = label.deriveFont(Font.BOLD, 14f);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics fm = probe.createGraphics().getFontMetrics(label);
        int longest = 0;
        for (String n : names) longest = Math.max(longest, fm.stringWidth(n));
        longest = Math.min(longest, 140);
        int cell = k <= 10 ? 46 : Math.max(22, 460 / k);
        // Column names fit under their cells (digits) or are turned to read upwards (words).
        boolean turn = longest > cell - 4;
        int left = 40 + longest + 10, top = 66, bottom = (turn ? longest : fm.getHeight()) + 36;
        int width = left + k * cell + 30, height = top + k * cell + bottom;
        BufferedImage img = Canvas.image(width, height);
        Graphics2D g = Canvas.graphics(img);
        int total = 0, correct = 0, mostMistakes = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                total += counts[i][j];
                if (i == j) correct += counts[i][j];
                else mostMistakes = Math.max(mostMistakes, counts[i][j]);
            }
        }
        g.setColor(new Color(0x222222));
        g.setFont(bold);
        String title = "Confusion matrix" + (total > 0 ? String.format(java.util.Locale.ROOT, " · accuracy %.1f%% of %d",
                100.0 * correct / total, total) : "");
        g.drawString(title, left, 24);
        g.setFont(label);
        g.setColor(new Color(0x555555));
        g.drawString("blue: right answers · red: mistakes, darkest = " + mostMistakes, left, 46);
        Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, cell >= 40 ? 13 : 10);
        for (int i = 0; i < k; i++) {
            int rowSum = 0;
            for (int v : counts[i]) rowSum += v;
            for (int j = 0; j < k; j++) {
                double depth = i == j ? (rowSum == 0 ? 0 : Math.sqrt((double) counts[i][j] / rowSum))
                        : counts[i][j] == 0 ? 0 : 0.12 + 0.88 * counts[i][j] / mostMistakes; // any mistake is tinted
                Color fill = i == j ? blend(new Color(0xf7fbff), new Color(0x08306b), depth)
                        : blend(Color.WHITE, MISTAKE_RED, depth);
                int x = left + j * cell, y = top + i * cell;
                g.setColor(fill);
                g.fillRect(x, y, cell, cell);
                if (counts[i][j] != 0 || cell >= 30) {
                    String s = String.valueOf(counts[i][j]);
                    g.setFont(cellFont);
                    FontMetrics cm = g.getFontMetrics();
                    if (cm.stringWidth(s) < cell - 2) {
                        g.setColor(depth > 0.55 ? Color.WHITE : counts[i][j] == 0 ? new Color(0xaaaaaa) : new Color(0x333333));
                        g.drawString(s, x + (cell - cm.stringWidth(s)) / 2, y + (cell + cm.getAscent() - cm.getDescent()) / 2);
                    }
                }
            }
        }
        g.setColor(new Color(0xe4e4e4)); // cell borders, so that rows and columns of zeros stay readable
        for (int i = 1; i < k; i++) {
            g.drawLine(left, top + i * cell, left + k * cell, top + i * cell);
            g.drawLine(left + i * cell, top, left + i * cell, top + k * cell);
        }
        g.setColor(new Color(0xbbbbbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, k * cell, k * cell);
        g.setFont(label);
        g.setColor(new Color(0x333333));
        for (int i = 0; i < k; i++) {
            String n = Images.fit(names.get(i), fm, longest);
            g.drawString(n, left - 8 - fm.stringWidth(n), top + i * cell + (cell + fm.getAscent() - fm.getDescent()) / 2);
        }
        AffineTransform saved = g.getTransform();
        for (int j = 0; j < k; j++) {
            String n = Images.fit(names.get(j), fm, longest);
            if (!turn) {
                g.drawString(n, left + j * cell + (cell - fm.stringWidth(n)) / 2, top + k * cell + 6 + fm.getAscent());
                continue;
            }
            int x = left + j * cell + (cell + fm.getAscent() - fm.getDescent()) / 2, y = top + k * cell + 8;
            g.setTransform(saved);
            g.rotate(Math.toRadians(-60), x, y);
            g.drawString(n, x - fm.stringWidth(n), y);
        }
        g.setTransform(saved);
        g.setFont(bold);
        FontMetrics bm = g.getFontMetrics();
        g.drawString("predicted", left + (k * cell - bm.stringWidth("predicted")) / 2, height - 10);
        g.rotate(Math.toRadians(-90), 18, top + k * cell / 2.0);
        g.drawString("true", 18 - bm.stringWidth("true") / 2, top + k * cell / 2 + 5);
        g.dispose();
        return Images.png(img);
    }

    private static void addPoints(XYChart chart, double[] x, double[] y, int[] classes, List<String> names, String who) {
        if (x.length != y.length || x.length != classes.length) {
            throw new IllegalArgumentException(who + ": x, y and classes must have the same length, got "
                    + x.length + ", " + y.length + " and " + classes.length);
        }
        int k = names.size();
        for (int c = 0; c < k; c++) {
            List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (checkClass(classes[i], k, who + ": classes[" + i + "]") == c) {
                    xs.add(x[i]);
                    ys.add(y[i]);
                }
            }
            if (xs.isEmpty()) continue;
            XYSeries s = chart.addSeries(names.get(c), xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(PALETTE[c % PALETTE.length]);
            s.setLineStyle(SeriesLines.NONE);
        }
    }

    private static int checkClass(int c, int k, String where) {
        if (c < 0 || c >= k) throw new IllegalArgumentException(where + " is class " + c + " but there are " + k + " names");
        return c;
    }

    private static XYChart newChart(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart.getStyler());
        return chart;
    }

    private static void style(XYStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0xcccccc));
        s.setPlotGridLinesColor(new Color(0xe6e6e6));
        s.setChartTitleBoxVisible(false);
        s.setLegendBorderColor(new Color(0xdddddd));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAntiAlias(true);
        // XChart's own pattern drops the leading zero (".05"); this one keeps it and up to 4 decimals.
        s.setYAxisDecimalPattern("0.####");
    }

    private static Color pale(Color c) {
        return blend(c, Color.WHITE, 0.72);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }
}
