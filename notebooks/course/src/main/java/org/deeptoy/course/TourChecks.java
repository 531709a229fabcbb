package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Kind;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/** Notebook 1's exercises (the kernel and tensors). */
public final class TourChecks {
    private TourChecks() {}

    /** Exercise: the 2×3 tensor holding 1, 2, …, 6 row by row, made anew (not the lesson's tensor {@code given}). */
    public static boolean firstTensor(Tensor t, Tensor given) {
        Tensor want = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        if (t == null) return fail("your tensor is null: create it with Tensor.matrix(...) or Tensor.of(...)");
        if (given != null && (t == given || t.data() == given.data())) {
            return fail("that is t from above (the same tensor, not a new one): make your own, e.g. with Tensor.matrix(...)");
        }
        if (Arrays.equals(t.shape(), new int[] {3, 2})) {
            Tensor transposed = Tensor.of(new double[] {1, 4, 2, 5, 3, 6}, 3, 2);
            return fail("your tensor has shape [3, 2]: rows and columns are swapped"
                    + (t.allClose(transposed, 1e-9) ? " (each row of yours is a column of the right one)" : "")
                    + "; the exercise asks for 2 rows of 3 values");
        }
        if (Arrays.equals(t.shape(), new int[] {6})) {
            return fail("your tensor is 1-d, shape [6]; give it 2 rows and 3 columns, e.g. with .reshape(2, 3)");
        }
        String p = tensorProblem("your tensor", t, want);
        return p == null ? pass("a 2×3 tensor holding 1 … 6 row by row") : fail(p);
    }

    /** Exercise: the mean of each row of a matrix [m, n], shape [m]. Compared with {@code cg.mean(x, 1)}. */
    public static boolean rowMeans(TensorFunction f) {
        java.util.Random rnd = cases();
        List<Tensor> cases = List.of(normal(rnd, 2 + rnd.nextInt(2), 4 + rnd.nextInt(2)), normal(rnd, 4 + rnd.nextInt(3), 2),
                normal(rnd, 3, 1));
        for (Tensor x : cases) {
            int m = x.dim(0), n = x.dim(1);
            ComputationalGraph cg = new ComputationalGraph();
            Connection mean = cg.mean(cg.constant(x), 1);
            Tensor want = new SimulationContext().forward(cg).value(mean);
            Outcome<Tensor> got = attempt(() -> f.apply(x));
            if (got.failed()) return fail(got.problem());
            Tensor y = got.value();
            if (y == null) return fail("your function returned null for a " + Compare.shape(x) + " matrix");
            String on = " (for the " + m + "×" + n + " matrix " + brief(x) + ")";
            if (!Arrays.equals(y.shape(), want.shape())) {
                if (Arrays.equals(y.shape(), new int[] {n}) && m != n) {
                    return fail("your result has shape [" + n + "]: one value per column, so you averaged the columns"
                            + " (axis 0); average each row instead, giving shape [" + m + "]" + on);
                }
                if (Arrays.equals(y.shape(), new int[] {m, 1})) {
                    return fail("your result has shape [" + m + ", 1]; make it 1-d, shape [" + m
                            + "], e.g. with Tensor.vector(...)" + on);
                }
                return fail("your result has shape " + Compare.shape(y) + " but one mean per row means shape ["
                        + m + "]" + on);
            }
            Diff d = Compare.diff(y.toArray(), want.toArray());
            if (d.same()) continue;
            if (d.kind() == Kind.FACTOR && Compare.close(d.factor(), n)) {
                return fail("your values are " + n + " × the means: you summed each row; a mean also accounts for how"
                        + " many values were summed" + on);
            }
            return fail(d.describe(Where.flat(want.shape())) + on);
        }
        return pass("row means match cg.mean(x, 1) on " + cases.size() + " matrices");
    }
}
