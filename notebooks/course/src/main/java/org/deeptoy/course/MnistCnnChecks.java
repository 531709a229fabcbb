package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Random;

/** Notebook 8's exercises (a convolution's output size and im2col). */
public final class MnistCnnChecks {
    private MnistCnnChecks() {}

    /** The output size of a convolution along one side. */
    @FunctionalInterface
    public interface OutputSize {
        int of(int in, int k, int stride, int padding);
    }

    /** The [k·k][positions] patch matrix of an image [h][w] for a k × k filter, stride 1, no padding. */
    @FunctionalInterface
    public interface Im2col {
        double[][] of(double[][] img, int k);
    }

    /** Exercise: the output size, against the shape conv2d produces, on random sizes, strides and paddings. */
    public static boolean outputSize(OutputSize f) {
        Random r = cases();
        for (int t = 0; t < 12; t++) {
            int k = 1 + r.nextInt(5), stride = 1 + r.nextInt(3), padding = t % 2 == 0 ? 0 : 1 + r.nextInt(2);
            int in = k + r.nextInt(25);
            ComputationalGraph g = new ComputationalGraph();
            Connection out = g.conv2d(g.constant(Tensor.zeros(1, 1, in, in)), g.constant(Tensor.zeros(1, 1, k, k)), stride, padding);
            int want = new SimulationContext().forward(g).value(out).dim(2);
            Outcome<Integer> o = attempt(() -> f.of(in, k, stride, padding));
            String on = " (in = " + in + ", k = " + k + ", stride = " + stride + ", padding = " + padding + ")";
            if (o.failed()) return fail(o.problem() + on);
            int got = o.value();
            if (got == want) continue;
            String hint = got == (in + padding - k) / stride + 1 ? "too few when padding > 0: on how many sides is the padding added?"
                    : got == in + 2 * padding - k + 1 ? "too many when stride > 1: the filter moves by the stride"
                    : got == want - 1 ? "one too few: did you count the filter's first position?"
                    : got == want + 1 ? "one too many: the filter's last position must still fit inside the padded row"
                    : "count the positions a k-wide filter takes in a padded row of in + 2·padding values, moving stride at a time";
            return fail(hint + on);
        }
        return pass("convOutputSize matches conv2d on 12 random cases");
    }

    /** Exercise: im2col; filters · im2col(img) must equal conv2d on a random image with random filters. */
    public static boolean im2col(Im2col f) {
        Random r = cases();
        int h = 4 + r.nextInt(4), w = 4 + r.nextInt(4), k = 2 + r.nextInt(2), oh = h - k + 1, ow = w - k + 1;
        double[] flat = normal(r, h, w).toArray();
        double[][] img = new double[h][w];
        for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) img[i][j] = flat[i * w + j];
        Tensor filters = Tensor.wrap(normal(r, 3, k * k).toArray(), 3, 1, k, k);
        ComputationalGraph g = new ComputationalGraph();
        Connection out = g.conv2d(g.constant(Tensor.wrap(flat.clone(), 1, 1, h, w)), g.constant(filters), 1, 0);
        double[] want = new SimulationContext().forward(g).value(out).toArray();
        Outcome<double[][]> o = attempt(() -> f.of(img, k));
        String on = " (for a " + h + " × " + w + " image and a " + k + " × " + k + " filter)";
        if (o.failed()) return fail(o.problem() + on);
        double[][] cols = o.value();
        if (cols == null || cols.length != k * k || cols[0] == null || cols[0].length != oh * ow) {
            boolean swapped = cols != null && cols.length == oh * ow && cols[0] != null && cols[0].length == k * k;
            return fail(swapped ? "your matrix is [positions][k·k]: rows and columns are swapped; a column holds one patch"
                    : "the shape should be [k·k][positions]: one row per pixel of the patch, one column per position" + on);
        }
        double[] fv = filters.toArray();
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < oh * ow; p++) {
                double s = 0;
                for (int q = 0; q < k * k; q++) s += fv[c * k * k + q] * cols[q][p];
                if (!Compare.close(s, want[c * oh * ow + p])) {
                    return fail("filters · im2col differs from conv2d at position " + p + ": columns are positions row by row,"
                            + " and a column's rows are the patch's pixels row by row" + on);
                }
            }
        }
        return pass("filters · im2col(img) equals conv2d");
    }
}
