package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.tensor.Tensor;

import java.util.Random;

/** Notebook 7's exercises (standardising pixels and a linear classifier's scores). */
public final class CifarChecks {
    private CifarChecks() {}

    /** Each column of x standardised: a new [n][d] array. */
    @FunctionalInterface
    public interface Standardize {
        double[][] of(double[][] x);
    }

    /** The scores of one example x for weights W [d, k] and biases b [k]. */
    @FunctionalInterface
    public interface LinearScores {
        double[] of(double[] x, Tensor w, double[] b);
    }

    /** Exercise: per-column standardisation (population variance, as {@code Scaler.standardize}), on random pixel-like columns. */
    public static boolean standardize(Standardize f) {
        Random r = cases();
        int n = 20 + r.nextInt(40), d = 3 + r.nextInt(5);
        double[][] x = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 40 + r.nextInt(150), spread = 10 + r.nextInt(60);
            for (int i = 0; i < n; i++) x[i][j] = Math.max(0, Math.min(255, Math.round(mean + spread * r.nextGaussian())));
        }
        double[][] want = new double[n][d], sample = new double[n][d], rows = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0, var = 0;
            for (double[] row : x) mean += row[j] / n;
            for (double[] row : x) var += (row[j] - mean) * (row[j] - mean);
            for (int i = 0; i < n; i++) {
                want[i][j] = (x[i][j] - mean) / Math.sqrt(var / n);
                sample[i][j] = (x[i][j] - mean) / Math.sqrt(var / (n - 1));
            }
        }
        for (int i = 0; i < n; i++) {
            double mean = 0, var = 0;
            for (double v : x[i]) mean += v / d;
            for (double v : x[i]) var += (v - mean) * (v - mean) / d;
            for (int j = 0; j < d; j++) rows[i][j] = (x[i][j] - mean) / Math.sqrt(var);
        }
        double[][] copy = new double[n][];
        for (int i = 0; i < n; i++) copy[i] = x[i].clone();
        Outcome<double[][]> o = attempt(() -> f.of(copy));
        String on = " (for " + n + " examples of " + d + " pixels)";
        if (o.failed()) return fail(o.problem() + on);
        double[][] got = o.value();
        if (got == null || got.length != n || got[0] == null || got[0].length != d) {
            return fail("the result must have the shape of x, [" + n + "][" + d + "]" + on);
        }
        if (same(got, want)) return pass("standardize matches Scaler.standardize: each column has mean 0 and standard deviation 1");
        if (same(got, x)) return fail("the values are unchanged: after standardising, each column has mean 0 and standard deviation 1" + on);
        if (same(got, sample)) {
            return fail("off by a constant factor √((n−1)/n): Scaler uses the population variance; which count does yours divide by?" + on);
        }
        if (same(got, rows)) return fail("you standardised each row (one photo); standardise each column: one pixel over the examples" + on);
        return fail("each column should end with mean 0 and standard deviation 1: subtract the column's mean, divide by its standard deviation" + on);
    }

    private static boolean same(double[][] got, double[][] want) {
        for (int i = 0; i < want.length; i++) {
            if (got[i] == null || got[i].length != want[i].length) return false;
            for (int j = 0; j < want[i].length; j++) if (!Compare.close(got[i][j], want[i][j])) return false;
        }
        return true;
    }

    /** Exercise: the scores {@code s_j = Σ_i x_i W_ij + b_j} of a linear classifier, on random W, b and x. */
    public static boolean scores(LinearScores f) {
        Random r = cases();
        int d = 20 + r.nextInt(30), k = 10;
        Tensor w = normal(r, d, k);
        double[] x = normal(r, 1, d).toArray(), b = normal(r, 1, k).toArray();
        double[] want = new double[k], noBias = new double[k];
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < d; i++) noBias[j] += x[i] * w.get(i, j);
            want[j] = noBias[j] + b[j];
        }
        Outcome<double[]> o = attempt(() -> f.of(x.clone(), Tensor.of(w.toArray(), d, k), b.clone()));
        String on = " (for " + d + " pixels and " + k + " classes)";
        if (o.failed()) return fail(o.problem() + on);
        double[] got = o.value();
        if (got == null || got.length != k) return fail("one score per class, " + k + " here; yours " + (got == null ? "is null" : "has " + got.length) + on);
        if (matches(got, j -> want[j], k)) return pass("linearScores matches x · W + b");
        if (matches(got, j -> 0, k)) return fail("all scores are 0: is the code written yet?" + on);
        if (matches(got, j -> noBias[j], k)) return fail("almost: each score j lacks its bias b_j" + on);
        if (matches(got, j -> noBias[j] - b[j], k)) return fail("the bias is subtracted; add it" + on);
        return fail("W is [pixels, classes]: which index goes with the pixel and which with the class?" + on);
    }
}
