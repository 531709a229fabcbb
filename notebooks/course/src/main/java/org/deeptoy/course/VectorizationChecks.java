package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Notebook 7c's exercises (loops against whole-tensor ops). */
public final class VectorizationChecks {
    private VectorizationChecks() {}

    /** Squared distances between the rows of a [m][d] and of b [n][d], written with loops: [m][n]. */
    @FunctionalInterface
    public interface DistancesLoop {
        double[][] of(double[][] a, double[][] b);
    }

    /** The same squared distances as graph ops on whole tensors: a [m, d] and b [n, d] in, [m, n] out. */
    @FunctionalInterface
    public interface Distances {
        Connection build(ComputationalGraph cg, Connection a, Connection b);
    }

    /**
     * Exercise: {@code D[i][j] = Σ_k (a[i][k] − b[j][k])²} with loops over arrays; compared with the
     * same sum computed here, on three pairs of matrices.
     */
    public static boolean distancesLoop(DistancesLoop f) {
        for (Tensor[] ab : distanceCases()) {
            double[][] a = rows(ab[0]), b = rows(ab[1]);
            Outcome<double[][]> o = attempt(() -> f.of(rows(ab[0]), rows(ab[1])));
            if (o.failed()) return fail(o.problem());
            double[][] got = o.value();
            String on = " (a " + Compare.shape(ab[0]) + ", b " + Compare.shape(ab[1]) + ")";
            if (got == null) return fail("your function returned null: return the [m][n] array of squared distances" + on);
            int m = a.length, n = b.length;
            if (got.length == n && n != m && got[0] != null && got[0].length == m) {
                return fail("your array is [n][m]: rows and columns are swapped; D[i][j] pairs row i of a with row j of b" + on);
            }
            for (double[] row : got) {
                if (got.length != m || row == null || row.length != n) {
                    return fail("your array should have " + m + " rows of " + n + " numbers, one row per row of a" + on);
                }
            }
            String p = distanceProblem(flat(got), ab[0], ab[1]);
            if (p != null) return fail(p + on);
        }
        return pass("the loop version gives the squared distances of every pair of rows");
    }

    /**
     * Exercise: the same squared distances as a graph of whole-tensor ops, e.g.
     * {@code ‖a_i‖² + ‖b_j‖² − 2 a_i·b_j}; compared with the same sum computed here.
     */
    public static boolean distances(Distances f) {
        for (Tensor[] ab : distanceCases()) {
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.input("a"), b = cg.input("b");
            String on = " (a " + Compare.shape(ab[0]) + ", b " + Compare.shape(ab[1]) + ")";
            Outcome<Connection> built = attempt(() -> f.build(cg, a, b));
            if (built.failed()) return fail(built.problem());
            Connection d = built.value();
            if (d == null) return fail("your function returned null: return the connection holding the [m, n] distances");
            Set<Connection> from = behind(d);
            if (!from.contains(a) || !from.contains(b)) {
                return fail("your result is not computed from " + (!from.contains(a) ? "a" : "b") + ": build it from the inputs");
            }
            Outcome<Tensor> run = attempt(() -> new SimulationContext().forward(cg, Map.of(a, ab[0], b, ab[1]), d).value(d));
            if (run.failed()) return fail(run.problem() + on);
            Tensor got = run.value();
            int m = ab[0].dim(0), n = ab[1].dim(0);
            if (Arrays.equals(got.shape(), new int[] {n, m}) && n != m) {
                return fail("your result has shape [n, m] = " + Compare.shape(got) + ": rows and columns are swapped"
                        + "; row i should belong to row i of a" + on);
            }
            if (!Arrays.equals(got.shape(), new int[] {m, n})) {
                return fail("your result has shape " + Compare.shape(got) + " but should have shape [" + m + ", " + n + "]: "
                        + "one row per row of a, one column per row of b. Which axis does each reduceSum remove, and where "
                        + "does broadcasting add a size-1 axis?" + on);
            }
            String p = distanceProblem(got.toArray(), ab[0], ab[1]);
            if (p != null) return fail(p + on);
        }
        return pass("the tensor version gives the squared distances of every pair of rows");
    }

    /** Three pairs (a, b): different m and n, a single feature, a equal to b (distances 0 on the diagonal). */
    private static List<Tensor[]> distanceCases() {
        java.util.Random rnd = cases();
        int d = 2 + rnd.nextInt(4);
        Tensor a = normal(rnd, 3, d), b = normal(rnd, 5, d), c = normal(rnd, 2, 1);
        return List.of(new Tensor[] {a, b}, new Tensor[] {c, normal(rnd, 4, 1)}, new Tensor[] {b, b});
    }

    /** What is wrong with flat [m, n] distances, with the usual mistakes named first; null when right. */
    private static String distanceProblem(double[] got, Tensor a, Tensor b) {
        int m = a.dim(0), n = b.dim(0), d = a.dim(1);
        double[] want = new double[m * n], root = new double[m * n], absolute = new double[m * n], plusCross = new double[m * n];
        double[] noFactor = new double[m * n], noA = new double[m * n], noB = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sq = 0, abs = 0, aa = 0, bb = 0, ab = 0;
                for (int k = 0; k < d; k++) {
                    double x = a.get(i, k), y = b.get(j, k);
                    sq += (x - y) * (x - y);
                    abs += Math.abs(x - y);
                    aa += x * x;
                    bb += y * y;
                    ab += x * y;
                }
                int q = i * n + j;
                want[q] = sq;
                root[q] = Math.sqrt(sq);
                absolute[q] = abs;
                plusCross[q] = aa + bb + 2 * ab;
                noFactor[q] = aa + bb - ab;
                noA[q] = bb - 2 * ab;
                noB[q] = aa - 2 * ab;
            }
        }
        Diff diff = Compare.diff(got, want);
        if (diff.same()) return null;
        if (Compare.diff(got, root).same()) return "these are distances; the exercise asks for squared distances (no square root)";
        if (Compare.diff(got, absolute).same()) return "each difference should be squared, not taken as its absolute value";
        if (Compare.diff(got, plusCross).same()) return "the cross term a·b has the wrong sign: expand (x − y)²";
        if (Compare.diff(got, noFactor).same()) return "the cross term a·b has the wrong factor: expand (x − y)²";
        if (Compare.diff(got, noA).same() || Compare.diff(got, noB).same()) {
            return "a term is missing: (x − y)² expands into three, and each needs its own sum over the features";
        }
        return "squared distances: " + diff.describe(Where.flat(new int[] {m, n}));
    }

    private static double[][] rows(Tensor t) {
        double[][] r = new double[t.dim(0)][t.dim(1)];
        for (int i = 0; i < r.length; i++) for (int k = 0; k < r[i].length; k++) r[i][k] = t.get(i, k);
        return r;
    }

    private static double[] flat(double[][] x) {
        return Arrays.stream(x).flatMapToDouble(Arrays::stream).toArray();
    }
}
