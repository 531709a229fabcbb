package org.deeptoy;

import org.deeptoy.check.GradientCheck;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Gradient-check assertions shared by the op and engine tests. Every check records the op's
 * largest relative error; {@link Report} prints the table once at the end of the test run.
 */
public final class GradAssert {
    private static final Map<String, Double> MAX_ERRORS = new ConcurrentSkipListMap<>();
    private static final Map<String, Integer> CASES = new ConcurrentSkipListMap<>();

    private GradAssert() {}

    /**
     * Builds {@code op} on variables holding {@code inputs} (named a, b, c, ...), then checks the
     * gradients of loss = reduceSum(out * R) for a seeded random R, so that every output element
     * gets a different weight and a wrong index in backward cannot hide.
     */
    public static GradientCheck.Result checkOp(String op, long seed, Function<Connection[], Connection> build,
                                               Tensor... inputs) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection[] vars = new Connection[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = cg.variable(inputs[i], String.valueOf((char) ('a' + i)));
        Connection out = build.apply(vars);
        Connection loss = weightedLoss(cg, out, Map.of(), seed);
        return assertGradients(op, cg, loss, Map.of(), List.of(vars));
    }

    /** loss = reduceSum(multiply(out, R)), R a seeded N(0, 1) constant shaped like out. */
    public static Connection weightedLoss(ComputationalGraph cg, Connection out, Map<Connection, Tensor> feeds, long seed) {
        int[] shape = new SimulationContext().forward(cg, feeds, out).value(out).shape();
        return cg.reduceSum(cg.multiply(out, cg.constant(Tensor.randomNormal(seed, shape), "R"))).named("loss");
    }

    /** Asserts that backward agrees with central differences for every connection in {@code wrt}. */
    public static GradientCheck.Result assertGradients(String op, ComputationalGraph cg, Connection loss,
                                                       Map<Connection, Tensor> feeds, Collection<Connection> wrt) {
        GradientCheck.Result r = GradientCheck.check(cg, loss, feeds, new ArrayList<>(wrt),
                GradientCheck.EPSILON, GradientCheck.TOLERANCE);
        MAX_ERRORS.merge(op, r.maxError(), Math::max);
        CASES.merge(op, 1, Integer::sum);
        assertTrue(r.passed(), () -> op + ": " + r);
        return r;
    }

    /** As {@link #assertGradients}, with every pass in training mode (same seed, so the same dropout mask). */
    public static GradientCheck.Result assertTrainingGradients(String op, ComputationalGraph cg, Connection loss,
                                                               Map<Connection, Tensor> feeds, Collection<Connection> wrt) {
        GradientCheck.Result r = GradientCheck.check(cg, loss, feeds, new ArrayList<>(wrt),
                GradientCheck.EPSILON, GradientCheck.TOLERANCE, true);
        MAX_ERRORS.merge(op, r.maxError(), Math::max);
        CASES.merge(op, 1, Integer::sum);
        assertTrue(r.passed(), () -> op + " (training): " + r);
        return r;
    }

    /** Values with |v| in [margin, margin + 2) and random signs: away from kinks at 0. */
    public static Tensor awayFromZero(long seed, double margin, int... shape) {
        Random random = new Random(seed);
        Tensor t = Tensor.zeros(shape);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (random.nextBoolean() ? 1 : -1) * (margin + 2 * random.nextDouble());
        return t;
    }

    /** Fails with both tensors printed unless they have the same shape and values within {@code tol}. */
    public static void assertClose(Tensor expected, Tensor actual, double tol) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
            fail("shape: expected " + java.util.Arrays.toString(expected.shape()) + " but was "
                    + java.util.Arrays.toString(actual.shape()) + "\nexpected " + expected + "\nactual   " + actual);
        }
        double[] e = expected.data(), a = actual.data();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(e[i] - a[i]) <= tol)) {
                fail("element " + java.util.Arrays.toString(expected.unravel(i)) + ": expected " + e[i] + " but was "
                        + a[i] + "\nexpected " + expected + "\nactual   " + actual);
            }
        }
    }

    /** The table of largest gradient-check errors per op, as printed at the end of the run. */
    public static String table() {
        StringBuilder sb = new StringBuilder(String.format("%-22s %6s  %s%n", "op", "cases", "max relative error"));
        MAX_ERRORS.forEach((op, e) -> sb.append(String.format("%-22s %6d  %.2e%n", op, CASES.get(op), e)));
        return sb.toString();
    }

    /** Add with {@code @ExtendWith(GradAssert.Report.class)}: prints {@link #table()} once, after all tests. */
    public static final class Report implements BeforeAllCallback, AutoCloseable {
        @Override
        public void beforeAll(ExtensionContext context) {
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(Report.class, k -> new Report(), Report.class);
        }

        @Override
        public void close() {
            System.out.println("\nGradient check: largest relative error per op (tolerance "
                    + GradientCheck.TOLERANCE + ")\n" + table());
        }
    }
}
