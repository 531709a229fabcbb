package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.Node;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Notebook 3c's exercises (reverse-mode differentiation written by the student): a topological order
 * of the nodes a loss depends on, and the backward sweep over it, both checked on random graphs with
 * fan-out, shared sub-expressions and broadcasting against {@code SimulationContext.backward}.
 */
public final class BackwardSweepChecks {
    private BackwardSweepChecks() {}

    /** The operations {@code loss} is computed from, each once, each after the operations computing its inputs. */
    @FunctionalInterface
    public interface NodeOrder {
        List<Node> of(Connection loss);
    }

    /**
     * Reverse-mode differentiation: fills {@code grad} with dL/dc for every connection {@code loss} depends
     * on, walking {@code order} (a topological order of the loss's operations) with
     * {@code ctx.inputGradients(node, dy)}. {@code grad} may hold an earlier pass's gradients.
     */
    @FunctionalInterface
    public interface Sweep {
        void backward(Connection loss, List<Node> order, SimulationContext ctx, Map<Connection, Tensor> grad);
    }

    /** Exercise: the topological order of the operations a loss depends on. */
    public static boolean topologicalOrder(NodeOrder f) {
        Random r = cases();
        for (int k = 0; k < 3; k++) {
            Case c = randomCase(r);
            Outcome<List<Node>> o = attempt(() -> f.of(c.loss));
            if (o.failed()) return fail(o.problem());
            String problem = orderProblem(o.value(), c);
            if (problem != null) return fail(problem + " (in a graph of " + c.cg.nodes().size() + " operations)");
        }
        return pass("your order holds each operation the loss depends on once, after the operations it reads,"
                + " in 3 random graphs with shared values and an operation the loss does not use");
    }

    /** Exercise: the backward sweep, two passes into one table on each of 3 random graphs. */
    public static boolean backwardSweep(Sweep f) {
        String problem = sweepProblem(f, cases());
        return problem == null
                ? pass("your sweep gives the engine's gradient for every value in 3 random graphs (fan-out, shared"
                + " sub-expressions, broadcasting), pass after pass")
                : fail(problem);
    }

    // ---- the order ------------------------------------------------------------------------------------

    static String orderProblem(List<Node> got, Case c) {
        if (got == null) return "your order is null: return a list of nodes";
        List<Node> want = reachable(c.cg, c.loss);
        if (got.isEmpty()) return "your order is empty: start from loss.producer() and follow each node's inputs()";
        Map<Node, Integer> position = new IdentityHashMap<>();
        for (int i = 0; i < got.size(); i++) {
            Node n = got.get(i);
            if (n == null) return "your order holds null at position " + i;
            if (position.put(n, i) != null) {
                return n.describe() + " appears more than once in your order: it computes a value used by two operations,"
                        + " so the walk from the loss reaches it twice; remember the nodes already placed (a Set) and"
                        + " place each once";
            }
        }
        for (Node n : got) {
            if (!want.contains(n)) {
                return "your order holds " + n.describe() + ", which the loss does not depend on: follow the inputs"
                        + " from the loss instead of taking every node of the graph";
            }
        }
        for (Node n : want) {
            if (!position.containsKey(n)) {
                return "your order lacks " + n.describe() + ", which the loss depends on: follow every input of every node";
            }
        }
        List<Node> reversed = new ArrayList<>(got);
        Collections.reverse(reversed);
        if (orderViolation(reversed, position(reversed)) == null) {
            return "your order runs from the loss back to the leaves, the order of the backward sweep; a topological"
                    + " order has each node after the nodes it reads (the forward order)";
        }
        return orderViolation(got, position);
    }

    private static Map<Node, Integer> position(List<Node> nodes) {
        Map<Node, Integer> p = new IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) p.put(nodes.get(i), i);
        return p;
    }

    private static String orderViolation(List<Node> order, Map<Node, Integer> position) {
        for (Node n : order) {
            for (Connection in : n.inputs()) {
                Node p = in.producer();
                if (p != null && position.get(p) > position.get(n)) {
                    return n.describe() + " comes before " + p.describe() + ", which computes its input " + in.label()
                            + ": place a node only after every node it reads (after visiting its inputs)";
                }
            }
        }
        return null;
    }

    /** The operations the loss depends on, in creation order (one topological order). */
    static List<Node> reachable(ComputationalGraph cg, Connection loss) {
        Set<Connection> behind = behind(loss);
        return cg.nodes().stream().filter(n -> behind.contains(n.output())).toList();
    }

    // ---- the sweep ------------------------------------------------------------------------------------

    /** What is wrong with the sweep (null when nothing is), on 3 random graphs drawn from r. */
    static String sweepProblem(Sweep f, Random r) {
        if (f == null) return "your sweep is null";
        for (int k = 0; k < 3; k++) {
            Case c = randomCase(r);
            List<Node> order = reachable(c.cg, c.loss);
            Map<Connection, Tensor> grad = new HashMap<>();
            Map<Connection, Tensor> first = null;
            for (int pass = 1; pass <= 2; pass++) {
                SimulationContext ctx = new SimulationContext()
                        .forward(c.cg, Map.of(c.x, Check.normal(r, c.x0.dim(0), c.x0.dim(1))));
                Map<Connection, Tensor> want = engineGradients(c, ctx);
                List<Node> given = List.copyOf(order);
                Map<Connection, Tensor> before = new HashMap<>(grad);
                Outcome<Object> o = attempt(() -> {
                    f.backward(c.loss, given, ctx, grad);
                    return null;
                });
                String where = " (pass " + pass + " on a graph of " + order.size() + " operations)";
                if (o.failed()) return o.problem() + where;
                if (ctx.hasGradients()) {
                    return "your sweep called ctx.backward, the engine's own sweep: write the sweep yourself with"
                            + " ctx.inputGradients(node, dy)";
                }
                String problem = sweepResultProblem(c, order, ctx, grad, want, first == null ? null : before);
                if (problem != null) return problem + where;
                first = want;
            }
        }
        return null;
    }

    private static Map<Connection, Tensor> engineGradients(Case c, SimulationContext ctx) {
        SimulationContext engine = new SimulationContext().forward(c.cg, Map.of(c.x, ctx.value(c.x))).backward(c.cg, c.loss);
        Map<Connection, Tensor> want = new HashMap<>();
        for (Connection x : behind(c.loss)) want.put(x, engine.gradient(x));
        return want;
    }

    private static String sweepResultProblem(Case c, List<Node> order, SimulationContext ctx, Map<Connection, Tensor> grad,
                                             Map<Connection, Tensor> want, Map<Connection, Tensor> previous) {
        if (same(grad, want)) return null;
        Tensor seed = grad.get(c.loss);
        if (seed == null) return "grad has no entry for the loss itself: the sweep starts by setting dL/dL = 1";
        if (seed.size() == 1 && Compare.close(seed.item(), -1)) {
            return "dL/dL is -1 in your table, so every gradient has the wrong sign: the sweep starts from dL/dL = 1"
                    + " (the minus of gradient descent belongs to the update, not to the gradient)";
        }
        if (previous != null && (same(grad, sum(want, previous))
                || same(grad, SweepBugs.result(SweepBugs.Bug.NO_CLEARING, c.loss, order, ctx, previous)))) {
            return "this pass's gradients carry the previous pass's: grad still held them when the pass started, and"
                    + " shares were added onto them; clear it when a pass starts";
        }
        if (same(grad, SweepBugs.result(SweepBugs.Bug.OVERWRITE, c.loss, order, ctx, Map.of()))
                || same(grad, SweepBugs.result(SweepBugs.Bug.KEEP_FIRST, c.loss, order, ctx, Map.of()))) {
            return "a value used in several places keeps only one of its shares: when a share reaches a value that"
                    + " already has a gradient, add it to what is there (no accumulation)";
        }
        if (same(grad, SweepBugs.result(SweepBugs.Bug.FORWARD_ORDER, c.loss, order, ctx, Map.of()))) {
            return "only the loss's own operation passed a gradient back: your sweep walks the order from the leaves to"
                    + " the loss, when no gradient has arrived yet; walk it in reverse topological order";
        }
        // the first wrong gradient on the way back from the loss
        List<Connection> back = new ArrayList<>();
        back.add(c.loss);
        for (int i = order.size() - 1; i >= 0; i--) {
            for (Connection in : order.get(i).inputs()) if (!back.contains(in)) back.add(in);
        }
        for (Connection x : back) {
            Tensor g = grad.get(x), w = want.get(x);
            String name = "dL/d" + x.label();
            if (g == null) return "grad has no entry for " + name + ", though the loss depends on " + x.label();
            String p = tensorProblem(name, g, w);
            if (p == null) continue;
            long uses = order.stream().flatMap(n -> n.inputs().stream()).filter(in -> in == x).count();
            return p + (uses > 1 ? " (" + x.label() + " is used " + uses + " times: does each use add its share?)"
                    : x.producer() == null ? "" : " (" + x.label() + " = " + x.producer().describe() + ")");
        }
        for (Connection x : grad.keySet()) {
            if (!want.containsKey(x)) return "grad has an entry for " + x.label() + ", which the loss does not depend on";
        }
        return "your gradients differ from the engine's";
    }

    private static boolean same(Map<Connection, Tensor> got, Map<Connection, Tensor> want) {
        if (got.size() != want.size()) return false;
        for (Map.Entry<Connection, Tensor> e : want.entrySet()) {
            Tensor g = got.get(e.getKey());
            if (g == null || tensorProblem("", g, e.getValue()) != null) return false;
        }
        return true;
    }

    private static Map<Connection, Tensor> sum(Map<Connection, Tensor> a, Map<Connection, Tensor> b) {
        Map<Connection, Tensor> s = new HashMap<>(a);
        b.forEach((c, t) -> s.merge(c, t, Tensor::plus));
        return s;
    }

    // ---- random graphs --------------------------------------------------------------------------------

    /** A random graph: the input x [m, n], the loss (a scalar), and an operation the loss does not use. */
    record Case(ComputationalGraph cg, Connection x, Tensor x0, Connection loss) {}

    /**
     * {@code h = tanh(x·W + b)} (b broadcast over the rows), then 3–5 random element-wise steps that reuse
     * h, each other, b and the scalar s (both broadcast); the loss sums every result and b·b.
     */
    static Case randomCase(Random r) {
        int m = 2 + r.nextInt(3), n = 2 + r.nextInt(3);
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x");
        Connection w = cg.variable(Check.normal(r, n, n), "W");
        Connection b = cg.variable(Check.normal(r, 1, n).reshape(n), "b");
        Connection s = cg.variable(0.5 + r.nextInt(5) * 0.25, "s");
        Connection h = cg.tanh(cg.sum(cg.matrixMultiply(x, w, "x·W"), b, "x·W + b"), "h");
        List<Connection> pool = new ArrayList<>(List.of(h, cg.multiply(h, cg.sigmoid(h), "h·σ(h)")));
        int steps = 3 + r.nextInt(3);
        for (int i = 0; i < steps; i++) {
            Connection a = pool.get(r.nextInt(pool.size()));
            Connection other = switch (r.nextInt(3)) {
                case 0 -> s;
                case 1 -> b;
                default -> pool.get(r.nextInt(pool.size()));
            };
            Connection next = switch (r.nextInt(5)) {
                case 0 -> cg.sum(a, other);
                case 1 -> cg.subtract(a, other);
                case 2 -> cg.multiply(a, other);
                case 3 -> cg.tanh(a);
                default -> cg.multiply(cg.tanh(a), s);
            };
            pool.add(next);
            if (i == 1) cg.exp(pool.get(r.nextInt(pool.size())), "unused"); // the loss does not depend on it
        }
        Connection total = pool.get(0);
        for (int i = 1; i < pool.size(); i++) total = cg.sum(total, pool.get(i));
        Connection loss = cg.mean(cg.sum(total, cg.multiply(b, b))).named("L");
        return new Case(cg, x, Tensor.zeros(m, n), loss);
    }
}
