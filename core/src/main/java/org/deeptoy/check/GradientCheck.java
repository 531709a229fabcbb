package org.deeptoy.check;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Compares backward's gradients with central differences
 * {@code (L(x + ε) - L(x - ε)) / 2ε}, element by element. Each probe runs on a copy, and the
 * original value is put back afterwards, also when the loss throws.
 *
 * <pre>{@code
 * GradientCheck.Result r = GradientCheck.check(cg, loss, Map.of(x, batch));
 * System.out.println(r);        // which variable and element disagree most
 * }</pre>
 */
public final class GradientCheck {
    /** The default step ε. */
    public static final double EPSILON = 1e-6;
    /** The default relative error under which a gradient counts as right. */
    public static final double TOLERANCE = 1e-5;

    private GradientCheck() {}

    /** One disagreement: where, and the two values. */
    public record Worst(Connection connection, int[] index, double analytic, double numeric, double relativeError) {
        @Override
        public String toString() {
            return connection.label() + Arrays.toString(index) + ": backward says " + analytic
                    + ", finite differences say " + numeric + " (relative error " + String.format(Locale.ROOT, "%.2e", relativeError) + ")";
        }
    }

    /** The result: the largest relative error per connection checked, and the worst element. */
    public record Result(Map<Connection, Double> errors, Worst worst, double tolerance) {
        public boolean passed() {
            return worst == null || worst.relativeError <= tolerance;
        }

        public double maxError() {
            return worst == null ? 0 : worst.relativeError;
        }

        /** The largest relative error of one connection. */
        public double error(Connection c) {
            Double e = errors.get(c);
            if (e == null) throw new IllegalArgumentException(c.label() + " was not checked");
            return e;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(passed() ? "gradient check passed" : "gradient check FAILED");
            sb.append(String.format(Locale.ROOT, " (max relative error %.2e, tolerance %.0e)", maxError(), tolerance));
            errors.forEach((c, e) -> sb.append(String.format(Locale.ROOT, "%n  %-12s %.2e%s", c.label(), e, e > tolerance ? "  <- wrong" : "")));
            if (!passed()) sb.append("\n  worst: ").append(worst);
            return sb.toString();
        }
    }

    /** Checks every variable of the graph. */
    public static Result check(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds) {
        return check(cg, loss, feeds, cg.variables(), EPSILON, TOLERANCE);
    }

    /**
     * Checks the given connections (variables, inputs that are fed, or constants).
     *
     * @param feeds values for the graph's inputs; not modified
     */
    public static Result check(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds,
                               Collection<Connection> wrt, double epsilon, double tolerance) {
        return check(cg, loss, feeds, wrt, epsilon, tolerance, false);
    }

    /**
     * As above, in training mode when {@code training} (every probe runs with the same seed, so
     * dropout draws the same mask each time and the differences measure one function).
     */
    public static Result check(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds,
                               Collection<Connection> wrt, double epsilon, double tolerance, boolean training) {
        return check(cg, loss, feeds, wrt, epsilon, tolerance, training, Precision.FLOAT64);
    }

    /**
     * As above, with the passes in {@code precision}: FLOAT32 checks an op's float32 kernel (it
     * needs a larger ε and tolerance than FLOAT64's defaults).
     */
    public static Result check(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds,
                               Collection<Connection> wrt, double epsilon, double tolerance, boolean training,
                               Precision precision) {
        if (wrt.isEmpty()) throw new DeepToyException("gradient check: nothing to check (the graph has no variables; name the connections to check)");
        for (Connection c : wrt) {
            if (c.producer() != null) {
                throw new DeepToyException("gradient check: " + c.label() + " is the output of " + c.producer().describe()
                        + "; check the variables, inputs or constants it is computed from");
            }
        }
        SimulationContext ctx = context(training, precision);
        ctx.forward(cg, feeds, loss).backward(cg, loss);
        Map<Connection, Tensor> analytic = new HashMap<>();
        for (Connection c : wrt) analytic.put(c, ctx.get(c).gradient());

        Map<Connection, Double> errors = new LinkedHashMap<>();
        Worst worst = null;
        Map<Connection, Tensor> probeFeeds = new HashMap<>(feeds);
        for (Connection c : wrt) {
            double[] g = analytic.get(c).data();
            double maxErr = 0;
            for (int i = 0; i < g.length; i++) {
                double numeric = (lossWith(cg, loss, probeFeeds, c, i, epsilon, training, precision)
                        - lossWith(cg, loss, probeFeeds, c, i, -epsilon, training, precision))
                        / (2 * epsilon);
                double err = Math.abs(g[i] - numeric) / Math.max(1e-3, Math.max(Math.abs(g[i]), Math.abs(numeric)));
                if (Double.isNaN(err)) err = Double.POSITIVE_INFINITY;
                if (err > maxErr) maxErr = err;
                if (worst == null || err > worst.relativeError) {
                    worst = new Worst(c, analytic.get(c).unravel(i), g[i], numeric, err);
                }
            }
            errors.put(c, maxErr);
        }
        return new Result(errors, worst, tolerance);
    }

    private static SimulationContext context(boolean training, Precision precision) {
        return new SimulationContext().training(training).seed(1).precision(precision);
    }

    /** The loss with element i of c moved by delta; c is restored before returning. */
    private static double lossWith(ComputationalGraph cg, Connection loss, Map<Connection, Tensor> feeds,
                                   Connection c, int i, double delta, boolean training, Precision precision) {
        SimulationContext ctx = context(training, precision).checkFinite(false);
        if (c.isVariable() || (c.kind() == Connection.Kind.CONSTANT && !feeds.containsKey(c))) {
            // Probe a copy: the value's storage may be shared (two variables made from one tensor).
            Tensor old = c.value();
            c.set(old.with(old.data()[i] + delta, old.unravel(i)));
            try {
                return ctx.forward(cg, feeds, loss).get(loss).value().item();
            } finally {
                c.set(old);
            }
        }
        Tensor fed = feeds.get(c);
        if (fed == null) throw new DeepToyException("gradient check: " + c.label() + " is an input but was not fed");
        double[] d = fed.toArray();
        d[i] += delta;
        Map<Connection, Tensor> probe = new HashMap<>(feeds);
        probe.put(c, Tensor.wrap(d, fed.shape()));
        return ctx.forward(cg, probe, loss).get(loss).value().item();
    }
}
