package org.deeptoy.kernel.render;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.deeptoy.nn.History;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts of a training run: a finished {@link History} and the live loss curve while it runs. */
public final class TrainingCharts {
    /** Size of each of the two panels of a history picture. */
    public static final int PANEL_WIDTH = 480, PANEL_HEIGHT = 320;
    /** The live loss curve draws at most this many points (batch losses averaged in groups). */
    static final int MAX_POINTS = 400;

    private TrainingCharts() {}

    /**
     * Loss (left) and accuracy (right, training and validation when there is one) per epoch, side
     * by side in one PNG of 2 × {@link #PANEL_WIDTH} by {@link #PANEL_HEIGHT}. Before the first
     * epoch ends (an interrupted run) the loss panel shows the batch losses instead.
     */
    public static byte[] historyPng(History h) {
        XYChart loss;
        if (h.epochs().isEmpty()) {
            loss = lossChart(h, 0, "Loss (no epoch finished)");
        } else {
            loss = Charts.curves("Loss", "epoch", "loss", Map.of("training", h.loss()));
            loss.getStyler().setYAxisMin(0.0);
        }
        Map<String, double[]> acc = new LinkedHashMap<>();
        acc.put("training", h.accuracy());
        if (h.epochs().stream().anyMatch(History.Epoch::hasValidation)) acc.put("validation", h.validationAccuracy());
        XYChart accuracy = Charts.accuracyCurve(acc);
        return sideBySide(loss, accuracy);
    }

    /**
     * One loss chart of a run: the loss of every batch so far (thin, pale) and its mean over each
     * finished epoch (dark, with points), against the epoch (batch i of an epoch of {@code batches}
     * sits at i / batches, the epoch mean at the epoch's end); y from 0. Batch losses are averaged
     * in groups beyond {@link #MAX_POINTS} points so long runs stay quick to draw; {@code batches}
     * ≤ 0 plots the batches alone against their number.
     */
    public static XYChart lossChart(History h, int batches, String title) {
        List<Double> losses = h.batchLosses();
        int n = losses.size();
        int group = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int points = (n + group - 1) / group;
        double[] x = new double[points], y = new double[points];
        for (int p = 0; p < points; p++) {
            int from = p * group, to = Math.min(n, from + group);
            double sum = 0;
            for (int i = from; i < to; i++) sum += losses.get(i);
            y[p] = sum / (to - from);
            x[p] = batches > 0 ? (double) to / batches : to;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("batch loss", y);
        XYChart chart = Charts.curves(title, batches > 0 ? "epoch" : "batch", "loss", x, series);
        XYSeries batch = chart.getSeriesMap().get("batch loss");
        if (batch != null) {
            batch.setLineColor(new Color(0x9ecae1));
            batch.setLineWidth(1f);
            // the first update of a live chart has one batch: a line of one point draws nothing
            batch.setMarker(points == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            batch.setMarkerColor(new Color(0x6baed6));
        }
        if (batches > 0 && points > 0) {
            // epochs from 0, at least the first whole one: a lone x of 1/batches would be its only,
            // unrounded tick (".026315789473684")
            chart.getStyler().setXAxisMin(0.0);
            if (x[points - 1] < 1) chart.getStyler().setXAxisMax(1.0);
        }
        double[] epochLoss = h.loss();
        if (batches > 0 && epochLoss.length > 0) {
            double[] ex = new double[epochLoss.length];
            for (int e = 0; e < ex.length; e++) ex[e] = e + 1;
            XYSeries mean = chart.addSeries("mean per epoch", ex, epochLoss);
            mean.setLineColor(new Color(0x08519c));
            mean.setMarkerColor(new Color(0x08519c));
            mean.setLineWidth(2.5f);
            mean.setMarker(epochLoss.length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            chart.getStyler().setLegendVisible(true);
        }
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static byte[] sideBySide(XYChart left, XYChart right) {
        BufferedImage img = new BufferedImage(2 * PANEL_WIDTH, PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            left.paint(g, PANEL_WIDTH, PANEL_HEIGHT);
            g.translate(PANEL_WIDTH, 0);
            right.paint(g, PANEL_WIDTH, PANEL_HEIGHT);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writes to memory: does not happen
        }
        return out.toByteArray();
    }
}
