package org.deeptoy.course;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What every exercise check shares. A check cell passes the student's code (a lambda, a tensor or a
 * graph) to its notebook's checks class ({@code TourChecks.rowMeans(rowMeans)}); the check runs it on
 * cases drawn from a seed the student never sees (so a hard-coded result fails), compares with
 * DeepToy's own result, and ends in {@link #pass} ({@code ✓}) or {@link #fail} ({@code ✗}: what is
 * wrong and a hint, never the value expected for the case being graded). In grading mode
 * ({@code DEEPTOY_GRADE=1}) a failed check throws {@link CheckFailed}, so nbgrader scores the cell 0.
 *
 * <p>Adding a check: take the student's code as a small interface, run it through {@code attempt} on
 * cases from {@link #cases()} chosen so that typical mistakes differ, look for the typical mistakes
 * first (they get the clearest advice), then fall back on {@link Compare#diff}; add to ChecksTest that
 * the right answer passes and each typical mistake gets its explanation.
 */
public final class Check {
    private Check() {}

    /**
     * A fresh random source for one check's cases: a new seed each call, or {@code deeptoy.check.seed}
     * (tests) when set. The seed is never shown, so the cases cannot be answered by hand.
     */
    static Random cases() {
        String fixed = System.getProperty("deeptoy.check.seed");
        return new Random(fixed != null ? Long.parseLong(fixed) : new java.security.SecureRandom().nextLong());
    }

    /** A [rows, cols] tensor of normal values from r. */
    static Tensor normal(Random r, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = Math.round(r.nextGaussian() * 1000) / 1000.0;
        return Tensor.wrap(v, rows, cols);
    }

    // ---- general checks, for any exercise -----------------------------------------------------------

    /** Checks a tensor against the right one: shape first, then values. */
    public static boolean tensor(String what, Tensor got, Tensor want) {
        String p = tensorProblem(what, got, want);
        return p == null ? pass(what + " is right " + Compare.shape(want)) : fail(p);
    }

    /** Checks a number against the right one. */
    public static boolean number(String what, double got, double want) {
        Diff d = Compare.diff(got, want);
        return d.same() ? pass(what + " = " + Compare.fmt(got) + " is right")
                : fail(what + ": " + d.describe(i -> "the value"));
    }

    /**
     * Runs the gradient check on a graph the student built (e.g. with an op of their own, added with
     * {@code cg.add(node, name, inputs)}): ✓ when backward agrees with finite differences for every
     * variable, ✗ naming the variable and element that disagree most.
     */
    public static boolean gradients(String what, ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds) {
        if (cg == null || loss == null) return fail(what + ": the graph or the loss is null");
        Outcome<GradientCheck.Result> r = attempt(() -> GradientCheck.check(cg, loss, feeds == null ? Map.of() : feeds), "");
        if (r.failed()) return fail(what + ": the gradient check could not run: " + r.problem());
        GradientCheck.Result result = r.value();
        if (!result.passed()) return fail(what + ": backward disagrees with finite differences at " + result.worst());
        return pass(what + ": backward agrees with finite differences for " + result.errors().size()
                + " variable(s) (max relative error " + String.format(java.util.Locale.ROOT, "%.1e", result.maxError()) + ")");
    }

    // ---- plumbing ------------------------------------------------------------------------------------

    /** The student's result, or what went wrong running their code. */
    record Outcome<T>(T value, String problem) {
        boolean failed() {
            return problem != null;
        }
    }

    static <T> Outcome<T> attempt(Callable<T> code) {
        return attempt(code, "your code threw ");
    }

    /** Runs code that may fail; DeepToy's own errors are already written for students and kept as they are. */
    static <T> Outcome<T> attempt(Callable<T> code, String prefix) {
        try {
            return new Outcome<>(code.call(), null);
        } catch (StackOverflowError e) {
            return new Outcome<>(null, "your code calls itself without end (StackOverflowError)");
        } catch (VirtualMachineError e) {
            throw e; // out of memory: not something the answer can be judged on
        } catch (DeepToyException e) {
            return new Outcome<>(null, prefix + e.getMessage());
        } catch (Exception | AssertionError | LinkageError e) {
            String name = e.getClass().getSimpleName();
            return new Outcome<>(null, prefix + (name.isEmpty() ? e.getClass().getName() : name)
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** Reports a passed check: prints {@code ✓ message} and returns true. */
    public static boolean pass(String message) {
        System.out.println("✓ " + message);
        return true;
    }

    /**
     * Reports a failed check: prints {@code ✗ message} and returns false; in grading mode
     * ({@link Course#grading()}) throws {@link CheckFailed} with that line instead, so that nbgrader
     * scores the check cell 0. Say what is wrong and give a hint, never the answer.
     */
    public static boolean fail(String message) {
        if (Course.grading()) throw new CheckFailed("✗ " + message);
        System.out.println("✗ " + message);
        return false;
    }

    static String tensorProblem(String what, Tensor got, Tensor want) {
        if (got == null) return what + " is null";
        if (!Arrays.equals(got.shape(), want.shape())) {
            return what + " has shape " + Compare.shape(got) + " but should have shape " + Compare.shape(want);
        }
        Diff d = Compare.diff(got.toArray(), want.toArray());
        return d.same() ? null : what + ": " + d.describe(Where.flat(want.shape()));
    }

    static boolean matches(double[] got, java.util.function.IntToDoubleFunction candidate, int n) {
        for (int i = 0; i < n; i++) if (!Compare.close(got[i], candidate.applyAsDouble(i))) return false;
        return true;
    }

    static Where batchNames(List<Tensor> batches) {
        return k -> "batch " + (k + 1) + " of " + batches.size() + " (scores " + Compare.shape(batches.get(k)) + ")";
    }

    static String brief(Tensor x) {
        return x.size() <= 6 ? Arrays.toString(x.toArray()) : Compare.shape(x);
    }

    /** The op names a connection is computed with. */
    static Set<String> opsBehind(Connection c) {
        Set<String> ops = new HashSet<>();
        for (Connection x : behind(c)) if (x.producer() != null) ops.add(x.producer().op());
        return ops;
    }

    /** The connection and every connection it is computed from. */
    static Set<Connection> behind(Connection c) {
        Set<Connection> seen = new HashSet<>();
        List<Connection> todo = new ArrayList<>(List.of(c));
        while (!todo.isEmpty()) {
            Connection x = todo.remove(todo.size() - 1);
            if (!seen.add(x) || x.producer() == null) continue;
            todo.addAll(x.producer().inputs());
        }
        return seen;
    }

}
