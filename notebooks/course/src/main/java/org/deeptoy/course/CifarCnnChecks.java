package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/** Notebook 8b's exercise (batch normalization). */
public final class CifarCnnChecks {
    private CifarCnnChecks() {}

    /**
     * Exercise (notebook 8b): batch normalization's training-mode forward without γ and β, each column
     * (feature) of x [n, c] normalised by the batch's mean and variance: {@code (x - μ) / √(σ² + 1e-5)}.
     * Compared with {@code cg.batchNorm} in training mode with γ = 1 and β = 0.
     */
    public static boolean batchNorm(TensorFunction f) {
        java.util.Random rnd = cases();
        List<Tensor> cases = List.of(scaled(normal(rnd, 4, 2), 10), scaled(normal(rnd, 5, 3), 3), normal(rnd, 8, 8));
        for (Tensor x : cases) {
            int n = x.dim(0), c = x.dim(1);
            Tensor x0 = Tensor.of(x.toArray(), x.shape());
            ComputationalGraph cg = new ComputationalGraph();
            Connection y = cg.batchNorm(cg.constant(x), cg.constant(Tensor.ones(c)), cg.constant(Tensor.zeros(c)),
                    cg.constant(Tensor.zeros(c)), cg.constant(Tensor.ones(c)));
            Tensor want = new SimulationContext().training(true).forward(cg).value(y);
            Outcome<Tensor> o = attempt(() -> f.apply(x));
            if (o.failed()) return fail(o.problem());
            Tensor got = o.value();
            String on = " (for a batch of " + n + " examples with " + c + " features)";
            if (got == null) return fail("your function returned null" + on);
            if (!x.equals(x0)) return fail("your function changed x in place; return a new tensor" + on);
            if (!Arrays.equals(got.shape(), want.shape())) {
                return fail("your result has shape " + Compare.shape(got) + " but x has shape " + Compare.shape(x)
                        + ": batch norm gives one value per value of x" + on);
            }
            double[] r = got.toArray(), w = want.toArray(), xv = x.toArray();
            if (Compare.diff(r, w).same()) continue;
            double[][] colStats = stats(xv, n, c, true), rowStats = stats(xv, n, c, false);
            if (matches(r, i -> (xv[i] - rowStats[0][i / c]) / Math.sqrt(rowStats[1][i / c] + 1e-5), r.length)) {
                return fail("you normalised each row, one example's features; batch norm normalises each column: one"
                        + " feature over the examples of the batch" + on);
            }
            if (matches(r, i -> (xv[i] - colStats[0][i % c]) / Math.sqrt(colStats[1][i % c] * n / (n - 1) + 1e-5), r.length)) {
                return fail("your variance divides the squared deviations by N - 1; batch norm uses the batch's own"
                        + " variance, their mean (divide by N)" + on);
            }
            if (matches(r, i -> (xv[i] - colStats[0][i % c]) / (colStats[1][i % c] + 1e-5), r.length)) {
                return fail("you divided by the variance; divide by the standard deviation, the square root of"
                        + " variance + ε" + on);
            }
            if (matches(r, i -> xv[i] / Math.sqrt(colStats[1][i % c] + 1e-5), r.length)) {
                return fail("the columns of your result do not have mean 0: subtract each column's mean first" + on);
            }
            return fail(Compare.diff(r, w).describe(Where.flat(want.shape())) + on);
        }
        return pass("your batch norm matches cg.batchNorm in training mode on " + cases.size() + " batches");
    }

    private static Tensor scaled(Tensor t, double k) {
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return Tensor.wrap(v, t.shape());
    }

    /** Mean and variance (divided by the count) of each column (columns = true) or row of x [n, c]. */
    private static double[][] stats(double[] x, int n, int c, boolean columns) {
        int groups = columns ? c : n, count = columns ? n : c;
        double[] mean = new double[groups], var = new double[groups];
        for (int i = 0; i < x.length; i++) mean[columns ? i % c : i / c] += x[i] / count;
        for (int i = 0; i < x.length; i++) {
            int g = columns ? i % c : i / c;
            var[g] += (x[i] - mean[g]) * (x[i] - mean[g]) / count;
        }
        return new double[][] {mean, var};
    }
}
