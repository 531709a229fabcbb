package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** Notebook 2's exercises (a graph by hand). */
public final class GraphChecks {
    private GraphChecks() {}

    /** Exercise: a graph computing (2 + 3) × 4 from the constants 2, 3 and 4; {@code result} is its output. */
    public static boolean firstGraph(ComputationalGraph cg, Connection result) {
        if (cg == null) return fail("your graph is null: start with new ComputationalGraph()");
        if (result == null) return fail("your result is null: make it the output of the last operation you add");
        if (result.graph() != cg) return fail("your result belongs to another graph than cg: build everything in one graph");
        if (result.producer() == null) {
            return fail("your result is " + result.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + result.label()
                    + ", not the output of an operation: build it from the constants 2, 3"
                    + " and 4 with cg.sum and cg.multiply");
        }
        Outcome<Tensor> value = attempt(() -> new SimulationContext().forward(cg, result).value(result), "");
        if (value.failed()) return fail("running your graph failed: " + value.problem());
        Tensor v = value.value();
        if (v.size() != 1) return fail("your result has shape " + Compare.shape(v) + "; it should be one number");
        double got = v.item();
        if (Compare.close(got, 14)) {
            return fail("your graph computes 2 + 3 × 4 = 14: in (2 + 3) × 4 the sum happens first; which operation's"
                    + " output does the other one take as input?");
        }
        if (!Compare.close(got, 20)) return fail("your graph computes " + Compare.fmt(got) + ", not (2 + 3) × 4: which constants and which operations does it use?");
        Set<String> ops = opsBehind(result);
        if (!ops.contains("sum") || !ops.contains("multiply")) {
            return fail("the value is 20, but the graph uses " + ops + "; use cg.sum and cg.multiply");
        }
        return pass("(2 + 3) × 4 = 20, computed by your graph with sum and multiply");
    }

    /** Exercise: a builder of {@code y = x² + 3x + 1} (element by element) from the graph's input x. */
    public static boolean polynomial(GraphBuilder f) {
        java.util.Random rnd = cases();
        double[] xs = {-2 - rnd.nextInt(3), -0.5, 0, 1 + rnd.nextInt(3) * 0.25, 3 + rnd.nextInt(4)};
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Outcome<Connection> built = attempt(() -> f.build(cg, x));
        if (built.failed()) return fail(built.problem());
        Connection y = built.value();
        if (y == null) return fail("your builder returned null: return the connection that holds x² + 3x + 1");
        if (y.graph() != cg) return fail("your builder returned a connection of another graph: add the ops to cg, the graph it is given");
        if (!behind(y).contains(x)) return fail("your result does not depend on x, so it is the same whatever x is: use the connection x given to your builder");
        Outcome<Tensor> run = attempt(() -> new SimulationContext().forward(cg, Map.of(x, Tensor.vector(xs)), y).value(y), "");
        if (run.failed()) return fail("running your graph failed: " + run.problem());
        Tensor v = run.value();
        if (v.size() != xs.length) {
            return fail("for x = " + Arrays.toString(xs) + " your graph gives shape " + Compare.shape(v) + "; compute element"
                    + " by element (no reduceSum / mean), so y has x's shape [" + xs.length + "]");
        }
        double[] got = v.toArray(), want = new double[xs.length];
        for (int i = 0; i < xs.length; i++) want[i] = xs[i] * xs[i] + 3 * xs[i] + 1;
        boolean constant = true;
        for (double g : got) constant &= Compare.close(g, got[0]);
        if (constant) return fail("your result is " + Compare.fmt(got[0]) + " whatever x is: use the connection x given to your builder");
        Diff d = Compare.diff(got, want);
        return d.same() ? pass("x² + 3x + 1 is right at x = " + Arrays.toString(xs))
                : fail(d.describe(i -> "x = " + Compare.fmt(xs[i])));
    }
}
