package org.deeptoy.kernel.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Teaching pictures of convolution and pooling (PNG bytes): how im2col copies patches into columns,
 * and how max-pooling picks the largest value of each window.
 */
public final class ConvPictures {
    private static final Color[] MARK = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728)};
    private static final int CELL = 34;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13), BOLD = FONT.deriveFont(Font.BOLD, 14f);

    private ConvPictures() {}

    /**
     * An n × n image with its pixels numbered 1..n², and im2col's matrix for a k × k filter (stride 1,
     * no padding): one column per patch, holding the patch's pixel numbers. The given patches (0-based,
     * row by row) are coloured in both, e.g. {@code im2col(5, 3, 0, 4)}.
     */
    public static byte[] im2col(int n, int k, int... patches) {
        if (k > n || k < 1) throw new IllegalArgumentException("ConvPictures.im2col: the filter (" + k + ") must fit the image (" + n + ")");
        int m = n - k + 1, gap = 70, top = 40, x0 = 30;
        int leftW = n * CELL, rightW = m * m * CELL;
        for (int p : patches) {
            if (p < 0 || p >= m * m) throw new IllegalArgumentException("ConvPictures.im2col: patch " + p + " does not exist (0.." + (m * m - 1) + ")");
        }
        BufferedImage img = new BufferedImage(x0 + leftW + gap + rightW + 30, top + k * k * CELL + 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Canvas.graphics(img);
        int y0 = top + Math.max(0, (k * k * CELL - n * CELL) / 2);
        g.setFont(BOLD);
        g.setColor(Color.DARK_GRAY);
        g.drawString("image X [" + n + ", " + n + "]", x0, y0 - 12);
        g.drawString("im2col(X) [" + k * k + ", " + m * m + "]: column p = patch p", x0 + leftW + gap, top - 12);
        g.setFont(FONT);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // A pixel in two marked patches gets both tints.
                for (int q = 0; q < patches.length; q++) {
                    int pi = patches[q] / m, pj = patches[q] % m;
                    if (i >= pi && i < pi + k && j >= pj && j < pj + k) tint(g, x0 + j * CELL, y0 + i * CELL, MARK[q % MARK.length]);
                }
                cell(g, x0 + j * CELL, y0 + i * CELL, String.valueOf(i * n + j + 1), null);
            }
        }
        for (int q = 0; q < patches.length; q++) {
            int pi = patches[q] / m, pj = patches[q] % m;
            g.setColor(MARK[q % MARK.length]);
            g.setStroke(new BasicStroke(3f));
            g.drawRect(x0 + pj * CELL + 2 * q, y0 + pi * CELL + 2 * q, k * CELL - 4 * q, k * CELL - 4 * q);
        }
        g.setStroke(new BasicStroke(1f));
        int rx = x0 + leftW + gap;
        for (int p = 0; p < m * m; p++) {
            int pi = p / m, pj = p % m;
            Color fill = null;
            for (int q = 0; q < patches.length; q++) if (patches[q] == p) fill = MARK[q % MARK.length];
            for (int r = 0; r < k * k; r++) {
                cell(g, rx + p * CELL, top + r * CELL, String.valueOf((pi + r / k) * n + (pj + r % k) + 1), fill);
            }
            centred(g, "p" + p, rx + p * CELL, CELL, top + k * k * CELL + 18);
        }
        arrow(g, x0 + leftW + 12, rx - 6, top + k * k * CELL / 2);
        g.dispose();
        return Images.png(img);
    }

    /**
     * Max-pooling of a small image (values given row by row, a square number of them) with size × size
     * windows and stride size: the windows in colour, the largest value of each circled, and the output.
     */
    public static byte[] maxPool(int size, double... values) {
        int n = (int) Math.round(Math.sqrt(values.length));
        if (n * n != values.length || size < 1 || n % size != 0) {
            throw new IllegalArgumentException("ConvPictures.maxPool: give n × n values with n a multiple of size " + size
                    + ", got " + values.length + " values");
        }
        int m = n / size, gap = 80, top = 40, x0 = 30;
        BufferedImage img = new BufferedImage(x0 + n * CELL + gap + Math.max(m * CELL, 170) + 20, top + n * CELL + 30,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Canvas.graphics(img);
        g.setFont(BOLD);
        g.setColor(Color.DARK_GRAY);
        g.drawString("X [" + n + ", " + n + "]", x0, top - 12);
        int ox = x0 + n * CELL + gap, oy = top + (n - m) * CELL / 2;
        g.drawString("maxPool(X, " + size + ") [" + m + ", " + m + "]", ox, oy - 12);
        g.setFont(FONT);
        for (int bi = 0; bi < m; bi++) {
            for (int bj = 0; bj < m; bj++) {
                Color c = MARK[(bi * m + bj) % MARK.length];
                int best = -1;
                for (int u = 0; u < size; u++) {
                    for (int v = 0; v < size; v++) {
                        int idx = (bi * size + u) * n + bj * size + v;
                        if (best < 0 || values[idx] > values[best]) best = idx;
                        cell(g, x0 + (bj * size + v) * CELL, top + (bi * size + u) * CELL, Numbers.format(values[idx], 3), c);
                    }
                }
                g.setColor(c);
                g.setStroke(new BasicStroke(2.5f));
                g.drawOval(x0 + (best % n) * CELL + 3, top + (best / n) * CELL + 3, CELL - 6, CELL - 6);
                g.setStroke(new BasicStroke(1f));
                cell(g, ox + bj * CELL, oy + bi * CELL, Numbers.format(values[best], 3), c);
            }
        }
        arrow(g, x0 + n * CELL + 12, ox - 6, top + n * CELL / 2);
        g.dispose();
        return Images.png(img);
    }


    /** A grid cell with centred text, tinted when {@code fill} is not null. */
    private static void cell(Graphics2D g, int x, int y, String text, Color fill) {
        if (fill != null) tint(g, x, y, fill);
        g.setColor(Color.GRAY);
        g.drawRect(x, y, CELL, CELL);
        g.setColor(Color.BLACK);
        centred(g, text, x, CELL, y + CELL / 2 + 5);
    }

    private static void tint(Graphics2D g, int x, int y, Color c) {
        g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 70));
        g.fillRect(x, y, CELL, CELL);
    }

    private static void centred(Graphics2D g, String s, int x, int width, int baseline) {
        g.drawString(s, x + (width - g.getFontMetrics().stringWidth(s)) / 2, baseline);
    }

    private static void arrow(Graphics2D g, int fromX, int toX, int y) {
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(2f));
        g.drawLine(fromX, y, toX - 8, y);
        g.fillPolygon(new int[] {toX, toX - 10, toX - 10}, new int[] {y, y - 6, y + 6}, 3);
        g.setStroke(new BasicStroke(1f));
    }
}
