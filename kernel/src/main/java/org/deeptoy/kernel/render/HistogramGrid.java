package org.deeptoy.kernel.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Rows × columns of small histograms as a PNG, e.g. one row per initialisation and one column per
 * layer of a deep net: each histogram shows how its values spread, with their standard deviation
 * written under it. The cells of a row share one symmetric x range, −m … m with m the largest |value|
 * in the row (written at the row's end), so a layer whose values shrink shows as a spike at 0 beside
 * the wider layers of its row. Bars are scaled to the tallest bar of their cell. Drawn by
 * {@link Charts#histograms}.
 */
final class HistogramGrid {
    static final Color BAR = new Color(0x1f77b4);
    private static final Color INK = new Color(0x222222), FRAME = new Color(0xbbbbbb), AXIS = new Color(0xdddddd);
    private static final int BINS = 31, CELL_W = 93, CELL_H = 64, GAP = 8;

    private HistogramGrid() {}

    static byte[] draw(String title, List<String> rows, List<String> columns, double[][][] values) {
        check(rows, columns, values);
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 12), bold = label.deriveFont(Font.BOLD, 14f);
        FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(label);
        int rowLabels = 0;
        for (String r : rows) rowLabels = Math.max(rowLabels, fm.stringWidth(r));
        int left = 12 + rowLabels + 10, top = 52, rowH = CELL_H + 2 * fm.getHeight() + GAP;
        int width = left + columns.size() * (CELL_W + GAP) + fm.stringWidth("±0.0000") + 20;
        int height = top + rows.size() * rowH + 8;
        BufferedImage img = Canvas.image(width, height);
        Graphics2D g = Canvas.graphics(img);
        g.setColor(INK);
        g.setFont(bold);
        g.drawString(title, left, 22);
        g.setFont(label);
        for (int c = 0; c < columns.size(); c++) {
            String s = columns.get(c);
            g.drawString(s, left + c * (CELL_W + GAP) + (CELL_W - fm.stringWidth(s)) / 2, top - 8);
        }
        for (int r = 0; r < rows.size(); r++) {
            int y = top + r * rowH;
            double m = 0;
            for (double[] cell : values[r]) for (double v : cell) if (Double.isFinite(v)) m = Math.max(m, Math.abs(v));
            g.setColor(INK);
            g.drawString(rows.get(r), left - 10 - fm.stringWidth(rows.get(r)), y + (CELL_H + fm.getAscent()) / 2);
            for (int c = 0; c < columns.size(); c++) {
                int x = left + c * (CELL_W + GAP);
                drawCell(g, values[r][c], m, x, y);
                String s = "std " + Numbers.format(std(values[r][c]), 3);
                g.setColor(INK);
                g.drawString(s, x + (CELL_W - fm.stringWidth(s)) / 2, y + CELL_H + fm.getAscent() + 2);
            }
            String range = "±" + Numbers.format(m, 3);
            g.setColor(new Color(0x666666));
            g.drawString(range, left + columns.size() * (CELL_W + GAP), y + CELL_H);
        }
        g.dispose();
        return Images.png(img);
    }

    /** One histogram of {@code v} over −m … m (everything in the middle bin when m is 0), in a frame. */
    private static void drawCell(Graphics2D g, double[] v, double m, int x, int y) {
        int[] counts = new int[BINS];
        for (double d : v) {
            if (!Double.isFinite(d)) continue;
            int bin = m == 0 ? BINS / 2 : (int) Math.floor((d + m) / (2 * m) * BINS);
            counts[Math.max(0, Math.min(BINS - 1, bin))]++;
        }
        int most = 1;
        for (int n : counts) most = Math.max(most, n);
        g.setColor(AXIS);
        g.drawLine(x + CELL_W / 2, y, x + CELL_W / 2, y + CELL_H);
        g.setColor(BAR);
        double binW = (double) CELL_W / BINS;
        for (int b = 0; b < BINS; b++) {
            if (counts[b] == 0) continue;
            int h = Math.max(1, (int) Math.round((CELL_H - 4) * (double) counts[b] / most));
            int bx = x + (int) Math.round(b * binW), bw = Math.max(1, (int) Math.round((b + 1) * binW) - (int) Math.round(b * binW) - 1);
            g.fillRect(bx, y + CELL_H - h, bw, h);
        }
        g.setColor(FRAME);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, CELL_W, CELL_H);
    }

    /** The standard deviation of the finite values (dividing by n), NaN when there are none. */
    static double std(double[] v) {
        double sum = 0;
        int n = 0;
        for (double d : v) if (Double.isFinite(d)) { sum += d; n++; }
        if (n == 0) return Double.NaN;
        double mean = sum / n, squares = 0;
        for (double d : v) if (Double.isFinite(d)) squares += (d - mean) * (d - mean);
        return Math.sqrt(squares / n);
    }

    private static void check(List<String> rows, List<String> columns, double[][][] values) {
        if (values.length != rows.size()) {
            throw new IllegalArgumentException("Charts.histograms: " + values.length + " rows of values for " + rows.size() + " row names");
        }
        for (int r = 0; r < values.length; r++) {
            if (values[r].length != columns.size()) {
                throw new IllegalArgumentException("Charts.histograms: row " + r + " has " + values[r].length
                        + " histograms, expected " + columns.size() + " (one per column name)");
            }
        }
    }
}
