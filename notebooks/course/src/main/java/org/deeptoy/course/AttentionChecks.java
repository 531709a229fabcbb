package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Notebook 10's exercise (scaled dot-product attention built from the engine's ops). */
public final class AttentionChecks {
    private AttentionChecks() {}

    /** The student's attention: builds {@code softmax(q·kᵀ/√d)·v} for q, k, v [N, T, d] in {@code cg}. */
    @FunctionalInterface
    public interface Attention {
        Connection apply(ComputationalGraph cg, Connection q, Connection k, Connection v, int d);
    }

    /**
     * Exercise: scaled dot-product attention as a graph of the engine's ops, run on random q, k, v of
     * two shapes (T ≠ d, so a missing transpose or the weights returned instead of the output show in the
     * shape) and compared with attention computed by loops; the typical mistakes (no scale, 1/d, softmax
     * over the queries, no softmax, q and k swapped) get their own hints.
     */
    public static boolean attention(Attention student) {
        Random r = cases();
        for (int c = 0; c < 2; c++) {
            int n = 2 + r.nextInt(2), t = 3 + r.nextInt(3), d = t + 1 + r.nextInt(3);
            Tensor q = scaled(normal(r, n * t, d).reshape(n, t, d), 2), k = scaled(normal(r, n * t, d).reshape(n, t, d), 2),
                    v = normal(r, n * t, d).reshape(n, t, d);
            String on = " (for q, k, v of shape [" + n + ", " + t + ", " + d + "])";
            ComputationalGraph cg = new ComputationalGraph();
            Connection cq = cg.input("q"), ck = cg.input("k"), cv = cg.input("v");
            Outcome<Connection> built = attempt(() -> student.apply(cg, cq, ck, cv, d));
            if (built.failed()) return fail("building your graph: " + built.problem() + on);
            Connection out = built.value();
            if (out == null) return fail("your attention returns null: return the connection of the output");
            if (out.graph() != cg) return fail("your output belongs to another graph: build it in cg, the graph you are given");
            Outcome<Tensor> ran = attempt(() -> new SimulationContext().forward(cg, Map.of(cq, q, ck, k, cv, v), out).value(out), "");
            if (ran.failed()) return fail("running your graph: " + ran.problem() + on);
            Tensor got = ran.value();
            if (Arrays.equals(got.shape(), new int[] {n, t, t})) {
                return fail("your result has shape [" + n + ", " + t + ", " + t + "], one weight per query and key:"
                        + " the weights are not the output yet" + on);
            }
            Set<Connection> used = behind(out);
            for (Connection in : new Connection[] {cq, ck, cv}) {
                if (!used.contains(in)) return fail("your output is not computed from " + in.label() + ": attention uses q, k and v");
            }
            if (!Arrays.equals(got.shape(), new int[] {n, t, d})) {
                return fail("your result has shape " + Compare.shape(got) + " but attention of q, k, v " + Compare.shape(q)
                        + " gives one row of size d per query" + on);
            }
            double[] g = got.toArray();
            Diff diff = Compare.diff(g, attend(q, k, v, 1 / Math.sqrt(d), false, true));
            if (diff.same()) continue;
            if (same(g, attend(q, k, v, 1, false, true))) {
                return fail("your scores are not scaled: with d = " + d + " numbers in each dot product, the scores grow"
                        + " with d and the softmax saturates; the formula divides them" + on);
            }
            if (same(g, attend(q, k, v, 1.0 / d, false, true))) {
                return fail("your scores are divided by d: look again at the formula's denominator (how does the spread"
                        + " of a sum of d random products grow with d?)" + on);
            }
            if (same(g, attend(q, k, v, 1 / Math.sqrt(d), true, true))) {
                return fail("your weights sum to 1 over the queries (a column of the scores): each query's weights over"
                        + " the keys should sum to 1; which axis of [N, T_query, T_key] does your softmax run along?" + on);
            }
            if (same(g, attend(q, k, v, 1 / Math.sqrt(d), false, false))) {
                return fail("your weights are the scaled scores themselves: they are not positive and do not sum to 1;"
                        + " one op is missing before they weigh v" + on);
            }
            if (same(g, attend(k, q, v, 1 / Math.sqrt(d), false, true))) {
                return fail("your scores compare each key with the queries (k·qᵀ): row i should hold query i's"
                        + " dot products with every key" + on);
            }
            return fail("your attention: " + diff.describe(Compare.Where.flat(got.shape())) + on);
        }
        return pass("your attention computes softmax(q·kᵀ/√d)·v, the weights summing to 1 over the keys, on q, k, v of two shapes");
    }

    /**
     * Attention by loops, the reference of the check: scores {@code q[i]·k[j] · scale}, softmax over the keys
     * (over the queries when {@code overQueries}; none when not {@code softmax}), times v.
     */
    static double[] attend(Tensor q, Tensor k, Tensor v, double scale, boolean overQueries, boolean softmax) {
        int n = q.dim(0), t = q.dim(1), d = q.dim(2);
        double[] out = new double[n * t * d];
        for (int b = 0; b < n; b++) {
            double[][] w = new double[t][t];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) s += q.get(b, i, c) * k.get(b, j, c);
                    w[i][j] = s * scale;
                }
            }
            if (softmax) normalize(w, overQueries);
            for (int i = 0; i < t; i++) {
                for (int c = 0; c < d; c++) {
                    double s = 0;
                    for (int j = 0; j < t; j++) s += w[i][j] * v.get(b, j, c);
                    out[(b * t + i) * d + c] = s;
                }
            }
        }
        return out;
    }

    /** Softmax of each row of w (each column when {@code columns}), in place. */
    private static void normalize(double[][] w, boolean columns) {
        int t = w.length;
        for (int a = 0; a < t; a++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int b = 0; b < t; b++) max = Math.max(max, columns ? w[b][a] : w[a][b]);
            for (int b = 0; b < t; b++) {
                double e = Math.exp((columns ? w[b][a] : w[a][b]) - max);
                z += e;
                if (columns) w[b][a] = e;
                else w[a][b] = e;
            }
            for (int b = 0; b < t; b++) {
                if (columns) w[b][a] /= z;
                else w[a][b] /= z;
            }
        }
    }

    private static boolean same(double[] got, double[] candidate) {
        return Compare.diff(got, candidate).same();
    }

    private static Tensor scaled(Tensor t, double k) {
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= k;
        return Tensor.wrap(v, t.shape());
    }
}
