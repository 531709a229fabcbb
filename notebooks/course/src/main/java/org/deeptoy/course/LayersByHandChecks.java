package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.course.Compare.Diff;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Notebook 5c's exercises: the backward passes of an affine layer, ReLU and batch normalization (training),
 * written over arrays. Each is compared with the engine's op (its backward through {@link SimulationContext}
 * for the same inputs and the same upstream gradient) on seeded random cases, and the engine's op passes the
 * gradient check on the same inputs, so the student's backward agrees with finite differences too.
 */
public final class LayersByHandChecks {
    private LayersByHandChecks() {}

    /** Fills dx [n, d], dw [d, m] and db [m] (zeros) from dout [n, m], x and w. */
    @FunctionalInterface
    public interface AffineBackward {
        void fill(double[][] dout, double[][] x, double[][] w, double[][] dx, double[][] dw, double[] db);
    }

    /** Fills dx (zeros) from dout and x. */
    @FunctionalInterface
    public interface ReluBackward {
        void fill(double[][] dout, double[][] x, double[][] dx);
    }

    /** Fills dx [n, d], dgamma and dbeta [d] (zeros) from dout, the normalised x̂, γ and 1/√(σ² + ε) per feature. */
    @FunctionalInterface
    public interface BatchNormBackward {
        void fill(double[][] dout, double[][] xhat, double[] gamma, double[] invStd, double[][] dx, double[] dgamma, double[] dbeta);
    }

    private static final int CASES = 4;

    /** The engine's gradients of L = Σ dout · out for the variables, out built from them; checked by finite differences first. */
    private static Tensor[] engineGradients(ComputationalGraph cg, Connection out, Tensor dout, boolean training, Connection... wrt) {
        Connection loss = cg.reduceSum(cg.multiply(out, cg.constant(dout, "dout"))).named("L");
        GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(), List.of(wrt), GradientCheck.EPSILON,
                GradientCheck.TOLERANCE, training);
        if (!r.passed()) throw new IllegalStateException("the engine's gradient check failed: " + r.worst());
        SimulationContext ctx = new SimulationContext().training(training).forward(cg).backward(cg, loss);
        Tensor[] g = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) g[i] = ctx.gradient(wrt[i]);
        return g;
    }

    /** Exercise: the affine layer's backward, against cg.matrixMultiply + cg.sum's. */
    public static boolean affineBackward(AffineBackward f) {
        Random r = cases();
        for (int t = 0; t < CASES; t++) {
            int n = 2 + r.nextInt(3), d = n + 1 + r.nextInt(2), m = d + 1 + r.nextInt(2); // distinct: a wrong axis shows
            Tensor x = normal(r, n, d), w = normal(r, d, m), b = normal(r, 1, m).reshape(m), dout = normal(r, n, m);
            ComputationalGraph cg = new ComputationalGraph();
            Connection cx = cg.variable(x, "x"), cw = cg.variable(w, "W"), cb = cg.variable(b, "b");
            Tensor[] want = engineGradients(cg, cg.sum(cg.matrixMultiply(cx, cw), cb), dout, false, cx, cw, cb);
            double[][] dx = new double[n][d], dw = new double[d][m];
            double[] db = new double[m];
            double[][] xs = rows(x), ws = rows(w), douts = rows(dout);
            String on = " (for x [" + n + ", " + d + "], W [" + d + ", " + m + "])";
            Outcome<Boolean> o = attempt(() -> {
                f.fill(douts, xs, ws, dx, dw, db);
                return true;
            });
            if (o.failed()) return fail(o.problem() + on);
            String p = problem("dx", flat(dx), want[0], on);
            if (p == null) p = problem("dW", flat(dw), want[1], on);
            if (p == null) p = problem("db", db, want[2], on);
            if (p != null) return fail(p);
        }
        return pass("your affine backward gives dx, dW and db as the engine's matrixMultiply and sum do (whose"
                + " gradients pass the gradient check), on " + CASES + " random cases");
    }

    /** Exercise: ReLU's backward over a batch, against cg.relu's. */
    public static boolean reluBackward(ReluBackward f) {
        Random r = cases();
        for (int t = 0; t < CASES; t++) {
            int n = 2 + r.nextInt(4), d = 2 + r.nextInt(5);
            Tensor x = normal(r, n, d), dout = normal(r, n, d);
            double[] xd = x.data();
            for (int i = 0; i < xd.length; i++) if (Math.abs(xd[i]) < 1e-3) xd[i] = 0.5; // no x at the kink
            ComputationalGraph cg = new ComputationalGraph();
            Connection cx = cg.variable(x, "x");
            Tensor[] want = engineGradients(cg, cg.relu(cx), dout, false, cx);
            double[][] dx = new double[n][d], xs = rows(x), douts = rows(dout);
            String on = " (for x [" + n + ", " + d + "])";
            Outcome<Boolean> o = attempt(() -> {
                f.fill(douts, xs, dx);
                return true;
            });
            if (o.failed()) return fail(o.problem() + on);
            double[] got = flat(dx), xv = x.toArray();
            if (!Compare.diff(got, want[0].toArray()).same() && matches(got, i -> xv[i] > 0 ? 1 : 0, got.length)) {
                return fail("your dx is ReLU's local derivative only (1 or 0): what does the chain rule multiply it by?" + on);
            }
            String p = problem("dx", got, want[0], on);
            if (p != null) return fail(p);
        }
        return pass("your ReLU backward gives dx as the engine's relu does, on " + CASES + " random batches");
    }

    /** Exercise: batch normalization's backward in training, against cg.batchNorm's in a training pass. */
    public static boolean batchNormBackward(BatchNormBackward f) {
        Random r = cases();
        for (int t = 0; t < CASES; t++) {
            int n = 3 + r.nextInt(4), d = 2 + r.nextInt(3);
            Tensor x = normal(r, n, d), gamma = normal(r, 1, d).reshape(d), beta = normal(r, 1, d).reshape(d);
            Tensor dout = normal(r, n, d);
            ComputationalGraph cg = new ComputationalGraph();
            Connection cx = cg.variable(x, "x"), cgamma = cg.variable(gamma, "γ"), cbeta = cg.variable(beta, "β");
            Connection out = cg.batchNorm(cx, cgamma, cbeta, cg.constant(Tensor.zeros(d), "running mean"),
                    cg.constant(Tensor.ones(d), "running variance"));
            Tensor[] want = engineGradients(cg, out, dout, true, cx, cgamma, cbeta);
            double[][] xs = rows(x), douts = rows(dout), xhat = new double[n][d], dx = new double[n][d];
            double[] invStd = new double[d], dgamma = new double[d], dbeta = new double[d], g = gamma.toArray();
            for (int j = 0; j < d; j++) {
                double mean = 0, var = 0;
                for (double[] row : xs) mean += row[j] / n;
                for (double[] row : xs) var += (row[j] - mean) * (row[j] - mean) / n;
                invStd[j] = 1 / Math.sqrt(var + 1e-5);
                for (int i = 0; i < n; i++) xhat[i][j] = (xs[i][j] - mean) * invStd[j];
            }
            String on = " (for x [" + n + ", " + d + "])";
            Outcome<Boolean> o = attempt(() -> {
                f.fill(douts, xhat, g.clone(), invStd.clone(), dx, dgamma, dbeta);
                return true;
            });
            if (o.failed()) return fail(o.problem() + on);
            String p = problem("dβ", dbeta, want[2], on);
            if (p == null) p = problem("dγ", dgamma, want[1], on);
            if (p != null) return fail(p);
            double[] got = flat(dx), dxConstant = new double[got.length];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) dxConstant[i * d + j] = douts[i][j] * g[j] * invStd[j];
            if (!Compare.diff(got, want[0].toArray()).same() && Compare.diff(got, dxConstant).same()) {
                return fail("your dx treats the batch's mean and variance as constants (the inference formula): in"
                        + " training they are computed from x too, so dx has a path through each of them" + on);
            }
            p = problem("dx", got, want[0], on);
            if (p != null) return fail(p);
        }
        return pass("your batch-norm backward gives dx, dγ and dβ as the engine's batchNorm does in training (whose"
                + " gradients pass the gradient check), on " + CASES + " random batches");
    }

    private static String problem(String what, double[] got, Tensor want, String on) {
        if (got.length != want.size()) return what + " has " + got.length + " values; it should have " + want.size() + on;
        Diff d = Compare.diff(got, want.toArray());
        if (d.same()) return null;
        int[] shape = want.shape();
        return what + ": " + d.describe(Compare.Where.flat(shape)) + "; follow the graph in the text, one node at a time" + on;
    }

    private static double[][] rows(Tensor t) {
        int n = t.dim(0), d = t.dim(1);
        double[][] r = new double[n][];
        for (int i = 0; i < n; i++) r[i] = Arrays.copyOfRange(t.data(), i * d, (i + 1) * d);
        return r;
    }

    private static double[] flat(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }
}
