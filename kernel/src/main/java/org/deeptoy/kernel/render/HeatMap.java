package org.deeptoy.kernel.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A grid of scores over two hyperparameters (rows × columns) as a PNG: each cell coloured by its
 * value and labelled with it, the axes labelled with the hyperparameter values, a colour key on the
 * right, the best cell framed. NaN cells (a run that diverged) are grey and say "n/a".
 * Drawn by {@link Charts#heatMap}.
 */
final class HeatMap {
    private static final Color LOW = new Color(0xfff7ec), MID = new Color(0xfc8d59), HIGH = new Color(0x7f0000);
    private static final Color INK = new Color(0x222222), BEST = new Color(0x1f77b4);

    private HeatMap() {}

    static byte[] draw(String title, String rowName, double[] rows, String columnName, double[] columns, double[][] values) {
        check(rows, columns, values);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int bestR = -1, bestC = -1;
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns.length; c++) {
                double v = values[r][c];
                if (Double.isNaN(v)) continue;
                min = Math.min(min, v);
                if (v > max) {
                    max = v;
                    bestR = r;
                    bestC = c;
                }
            }
        }
        if (bestR < 0) min = max = 0;
        Font label = new Font(Font.SANS_SERIF, Font.PLAIN, 13), bold = label.deriveFont(Font.BOLD, 14f);
        FontMetrics fm = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(label);
        int rowLabels = 0;
        for (double v : rows) rowLabels = Math.max(rowLabels, fm.stringWidth(Numbers.format(v, 3)));
        int cellW = 72, cellH = 40;
        int left = 34 + rowLabels + 12, top = 48;
        int gridW = columns.length * cellW, gridH = rows.length * cellH;
        int keyX = left + gridW + 28, keyW = 16;
        int width = keyX + keyW + 8 + fm.stringWidth("0.0000") + 16, height = top + gridH + 58;
        BufferedImage img = Canvas.image(width, height);
        Graphics2D g = Canvas.graphics(img);
        g.setColor(INK);
        g.setFont(bold);
        g.drawString(title, left, 24);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < columns.length; c++) {
                int x = left + c * cellW, y = top + r * cellH;
                double v = values[r][c];
                double t = Double.isNaN(v) ? 0 : share(v, min, max);
                g.setColor(Double.isNaN(v) ? new Color(0xdddddd) : colour(t));
                g.fillRect(x, y, cellW, cellH);
                g.setFont(label);
                String s = Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
                g.setColor(!Double.isNaN(v) && t > 0.6 ? Color.WHITE : INK);
                g.drawString(s, x + (cellW - fm.stringWidth(s)) / 2, y + (cellH + fm.getAscent() - fm.getDescent()) / 2);
            }
        }
        g.setColor(new Color(0xbbbbbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, gridW, gridH);
        if (bestR >= 0) {
            g.setColor(BEST);
            g.setStroke(new BasicStroke(4f));
            g.drawRect(left + bestC * cellW + 2, top + bestR * cellH + 2, cellW - 4, cellH - 4);
        }
        g.setFont(label);
        g.setColor(INK);
        for (int r = 0; r < rows.length; r++) {
            String s = Numbers.format(rows[r], 3);
            g.drawString(s, left - 8 - fm.stringWidth(s), top + r * cellH + (cellH + fm.getAscent() - fm.getDescent()) / 2);
        }
        for (int c = 0; c < columns.length; c++) {
            String s = Numbers.format(columns[c], 3);
            g.drawString(s, left + c * cellW + (cellW - fm.stringWidth(s)) / 2, top + gridH + 6 + fm.getAscent());
        }
        g.setFont(bold);
        FontMetrics bm = g.getFontMetrics();
        g.drawString(columnName, left + (gridW - bm.stringWidth(columnName)) / 2, height - 12);
        Graphics2D turned = (Graphics2D) g.create();
        turned.rotate(Math.toRadians(-90), 18, top + gridH / 2.0);
        turned.drawString(rowName, 18 - bm.stringWidth(rowName) / 2, top + gridH / 2 + 5);
        turned.dispose();
        drawKey(g, fm, keyX, top, keyW, gridH, min, max);
        g.dispose();
        return Images.png(img);
    }

    /** The colour key: a vertical bar from the lowest (bottom) to the highest value (top), ends labelled. */
    private static void drawKey(Graphics2D g, FontMetrics fm, int x, int y, int w, int h, double min, double max) {
        for (int i = 0; i < h; i++) {
            g.setColor(colour(1 - (double) i / (h - 1)));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(new Color(0xbbbbbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, w, h);
        g.setFont(fm.getFont());
        g.setColor(INK);
        int ticks = min == max ? 1 : 5;
        for (int i = 0; i < ticks; i++) {
            double f = ticks == 1 ? 1 : (double) i / (ticks - 1);
            int ty = y + (int) Math.round((1 - f) * h);
            g.drawLine(x + w, ty, x + w + 4, ty);
            g.drawString(String.format(Locale.ROOT, "%.3f", min + f * (max - min)), x + w + 7, ty + fm.getAscent() / 2 - 1);
        }
    }

    private static double share(double v, double min, double max) {
        return max == min ? 1 : (v - min) / (max - min);
    }

    /** Light yellow (lowest) through orange to dark red (highest). */
    static Color colour(double t) {
        t = Math.max(0, Math.min(1, t));
        return t < 0.5 ? blend(LOW, MID, t * 2) : blend(MID, HIGH, (t - 0.5) * 2);
    }

    private static Color blend(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    private static void check(double[] rows, double[] columns, double[][] values) {
        if (rows.length == 0 || columns.length == 0) {
            throw new IllegalArgumentException("Charts.heatMap: needs at least one row and one column value, got "
                    + rows.length + " and " + columns.length);
        }
        if (values.length != rows.length) {
            throw new IllegalArgumentException("Charts.heatMap: " + values.length + " rows of values for " + rows.length
                    + " row values");
        }
        for (int r = 0; r < rows.length; r++) {
            if (values[r].length != columns.length) {
                throw new IllegalArgumentException("Charts.heatMap: row " + r + " has " + values[r].length
                        + " values, expected " + columns.length + " (one per column value)");
            }
        }
    }
}
