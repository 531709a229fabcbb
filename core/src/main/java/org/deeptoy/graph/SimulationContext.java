package org.deeptoy.graph;

import org.deeptoy.tensor.Precision;
import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a graph: {@link #forward} computes values, {@link #backward} computes gradients, and
 * {@link #get} reads both. One graph can be simulated by many contexts.
 *
 * <pre>{@code
 * ctx.forward(cg, Map.of(x, batch));
 * ctx.backward(cg, loss);
 * ctx.get(W).gradient();
 * }</pre>
 */
public final class SimulationContext {

    /** The value and gradient of one connection in this context. */
    public record Data(Connection connection, Tensor value, Tensor gradient) {
        /** The value; throws a clear error if forward has not computed it. */
        @Override
        public Tensor value() {
            if (value == null) {
                throw new DeepToyException(connection.label() + " has no value in this context yet: run ctx.forward(cg"
                        + (connection.isInput() ? ", Map.of(" + connection.label() + ", tensor)" : "") + ") first");
            }
            return value;
        }

        /** dL/d(this connection) after {@link SimulationContext#backward}, shaped like the value. */
        @Override
        public Tensor gradient() {
            if (gradient == null) {
                throw new DeepToyException(connection.label() + " has no gradient in this context: run "
                        + "ctx.backward(cg, loss) after forward (gradients flow only to what the loss depends on)");
            }
            return gradient;
        }

        public boolean hasValue() {
            return value != null;
        }

        public boolean hasGradient() {
            return gradient != null;
        }
    }

    private final Map<Connection, Tensor> values = new HashMap<>();
    private final Map<Connection, Tensor> gradients = new HashMap<>();
    private boolean checkFinite = !"false".equals(System.getProperty("deeptoy.checkFinite"));
    private boolean variableGradientsOnly;
    private boolean backwardRan;
    private boolean training;
    private long seed;
    private Precision precision = Precision.FLOAT64;
    private Pass pass = newPass();

    /**
     * Whether forward checks each op's output for NaN and infinity and names the op that made
     * one (on by default; switch off for speed once a model works).
     */
    public SimulationContext checkFinite(boolean on) {
        this.checkFinite = on;
        return this;
    }

    /**
     * When on, backward computes only what the variables' gradients need (training); by default
     * every connection the loss depends on gets its gradient (teaching).
     */
    public SimulationContext variableGradientsOnly(boolean on) {
        this.variableGradientsOnly = on;
        return this;
    }

    /**
     * Training mode (dropout drops units, batch norm normalises by the batch's statistics and
     * updates its running ones) or inference mode (the default: dropout passes values through,
     * batch norm uses its running statistics). Only ops marked "training / inference" in the graph
     * picture care. {@code fit} trains in training mode and scores in inference mode.
     */
    public SimulationContext training(boolean on) {
        this.training = on;
        this.pass = newPass();
        return this;
    }

    /** Whether this context runs graphs in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Seeds the random source of training mode (dropout's masks); same seed, same run. */
    public SimulationContext seed(long s) {
        this.seed = s;
        this.pass = newPass();
        return this;
    }

    private Pass newPass() {
        return new Pass(training, new java.util.Random(seed), precision);
    }

    /**
     * The precision the ops compute in during this context's forward and backward passes:
     * FLOAT32 for training (see {@link Precision}), FLOAT64 (the default) for gradient checks and
     * exercises.
     */
    public SimulationContext precision(Precision p) {
        if (p == null) throw new DeepToyException("precision: give Precision.FLOAT64 or Precision.FLOAT32, not null");
        this.precision = p;
        this.pass = newPass();
        return this;
    }

    /** The precision of this context's passes. */
    public Precision precision() {
        return precision;
    }

    public SimulationContext forward(ComputationalGraph cg) {
        return forward(cg, Map.of());
    }

    public SimulationContext forward(ComputationalGraph cg, Connection... outputs) {
        return forward(cg, Map.of(), outputs);
    }

    /**
     * Computes the values the requested outputs need (everything when none are named), feeding
     * {@code feeds} to inputs (constants created without a value) or overriding constants.
     */
    public SimulationContext forward(ComputationalGraph cg, Map<Connection, Tensor> feeds, Connection... outputs) {
        values.clear();
        gradients.clear();
        backwardRan = false;
        pass.clear();
        for (Map.Entry<Connection, Tensor> feed : feeds.entrySet()) {
            Connection c = feed.getKey();
            cg.checkOwns(c, "forward");
            if (c.kind() == Connection.Kind.OPERATION || c.kind() == Connection.Kind.VARIABLE) {
                throw new DeepToyException("forward: cannot feed " + c.label() + ", it is " + c.article()
                        + "; only inputs and constants are fed" + (c.isVariable() ? " (use " + c.label() + ".set(tensor))" : ""));
            }
            if (feed.getValue() == null) throw new DeepToyException("forward: the value fed to " + c.label() + " is null");
            values.put(c, feed.getValue());
        }
        boolean[] needed = cg.ancestors(outputs.length == 0 ? null : List.of(outputs));
        for (Connection c : cg.connections()) {
            if (!needed[c.id()] || c.producer() != null || values.containsKey(c)) continue;
            if (c.value() == null) {
                throw new DeepToyException("forward: input " + c.label() + " was not fed; pass its value as "
                        + "ctx.forward(cg, Map.of(" + c.label() + ", tensor))");
            }
            values.put(c, c.value());
        }
        forwardNodes(cg, needed);
        return this;
    }

    private void forwardNodes(ComputationalGraph cg, boolean[] needed) {
        for (Node node : cg.nodes()) {
            if (!needed[node.output().id()]) continue;
            Tensor[] x = inputValues(node);
            Tensor y;
            try {
                y = node.forward(x, pass);
            } catch (DeepToyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DeepToyException(node.describe() + ": " + e.getMessage(), e);
            }
            if (y == null) throw new DeepToyException(node.describe() + ": forward returned null instead of a Tensor");
            if (checkFinite) checkFinite(node, x, y);
            values.put(node.output(), y);
        }
    }

    /**
     * Seeds dL/dL = 1 on {@code loss} (which must hold one value), walks the graph in reverse and
     * accumulates every gradient the loss reaches. Call after {@link #forward}.
     */
    public SimulationContext backward(ComputationalGraph cg, Connection loss) {
        cg.checkOwns(loss, "backward");
        Tensor l = values.get(loss);
        if (l == null) {
            throw new DeepToyException("backward: " + loss.label() + " has no value; run ctx.forward(cg) before backward");
        }
        if (l.size() != 1) {
            throw new DeepToyException("backward: the loss " + loss.label() + " has shape " + Shapes.toString(l.shape())
                    + "; backward needs one number (reduce it first, e.g. cg.reduceSum(" + loss.label() + "))");
        }
        gradients.clear();
        boolean[] reach = cg.ancestors(List.of(loss));
        boolean[] wanted = variableGradientsOnly ? cg.dependsOnVariable() : null;
        gradients.put(loss, Tensor.ones(l.shape()));
        backwardNodes(cg, reach, wanted);
        backwardRan = true;
        return this;
    }

    private void backwardNodes(ComputationalGraph cg, boolean[] reach, boolean[] wanted) {
        List<Node> nodes = cg.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node node = nodes.get(i);
            Tensor dy = gradients.get(node.output());
            if (dy == null || !reach[node.output().id()]) continue;
            List<Connection> in = node.inputs();
            boolean[] need = new boolean[in.size()];
            boolean any = false;
            for (int k = 0; k < need.length; k++) {
                need[k] = wanted == null || wanted[in.get(k).id()];
                any |= need[k];
            }
            if (!any) continue;
            Tensor[] dx = localGradients(node, dy, need);
            for (int k = 0; k < need.length; k++) {
                if (dx[k] != null) accumulate(in.get(k), dx[k]);
            }
        }
    }

    /**
     * One operation's local rule, the step {@link #backward} repeats from the loss back: given
     * {@code dy} = dL/dy for the node's output, returns dL/dx for each of its inputs, in the input's
     * shape (a gradient of an input that forward broadcast is summed back), from this context's
     * forward values. An input no gradient flows to (labels) gets zeros. The sweep around it (the order,
     * dL/dL = 1, adding up what reaches a value from several uses) is the caller's.
     */
    public Tensor[] inputGradients(Node node, Tensor dy) {
        if (node == null) throw new DeepToyException("inputGradients: the node is null");
        Connection y = node.output();
        if (y == null) throw new DeepToyException("inputGradients(" + node.op() + "): this node is in no graph");
        if (!values.containsKey(y)) {
            throw new DeepToyException("inputGradients(" + node.describe() + "): " + y.label() + " has no value in this"
                    + " context; run ctx.forward(cg, ...) first");
        }
        if (dy == null) {
            throw new DeepToyException("inputGradients(" + node.describe() + "): dy, the gradient of " + y.label()
                    + ", is null. A value's gradient is complete only once every operation that reads it has passed"
                    + " its share back, so walk the operations from the loss back to the leaves (reverse topological order)");
        }
        int[] shape = values.get(y).shape();
        if (!Arrays.equals(dy.shape(), shape)) {
            throw new DeepToyException("inputGradients(" + node.describe() + "): dy has shape " + Shapes.toString(dy.shape())
                    + " but " + y.label() + " has shape " + Shapes.toString(shape) + "; dL/dy has the shape of y");
        }
        boolean[] need = new boolean[node.inputs().size()];
        Arrays.fill(need, true);
        Tensor[] dx = localGradients(node, dy, need);
        Tensor[] x = inputValues(node);
        for (int k = 0; k < dx.length; k++) if (dx[k] == null) dx[k] = Tensor.zeros(x[k].shape());
        return dx;
    }

    /** The node's backward for the inputs in {@code need}, each summed to its input's shape; null where none flows. */
    private Tensor[] localGradients(Node node, Tensor dy, boolean[] need) {
        Tensor[] x = inputValues(node);
        Tensor[] dx;
        try {
            dx = node.backward(x, values.get(node.output()), dy, need, pass);
        } catch (DeepToyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DeepToyException(node.describe() + " (backward): " + e.getMessage(), e);
        }
        if (dx == null || dx.length != need.length) {
            throw new DeepToyException(node.describe() + " (backward): returned "
                    + (dx == null ? "null" : dx.length + " gradients") + " for " + need.length + " inputs; return one "
                    + "Tensor per input (null where need[i] is false)");
        }
        Tensor[] shaped = new Tensor[dx.length];
        for (int k = 0; k < dx.length; k++) {
            if (need[k] && dx[k] != null) shaped[k] = toInputShape(node, node.inputs().get(k), x[k], dx[k]);
        }
        return shaped;
    }

    /** The value and gradient of a connection in this context. */
    public Data get(Connection c) {
        Tensor v = values.get(c);
        if (v == null && c.producer() == null && c.value() != null) v = c.value();
        Tensor g = gradients.get(c);
        if (g == null && backwardRan && v != null) g = Tensor.zeros(v.shape());
        return new Data(c, v, g);
    }

    /** Shorthand for {@code get(c).value()}. */
    public Tensor value(Connection c) {
        return get(c).value();
    }

    /** Shorthand for {@code get(c).gradient()}. */
    public Tensor gradient(Connection c) {
        return get(c).gradient();
    }

    /** Whether a backward pass has run since the last forward. */
    public boolean hasGradients() {
        return backwardRan;
    }

    private Tensor[] inputValues(Node node) {
        List<Connection> in = node.inputs();
        Tensor[] x = new Tensor[in.size()];
        for (int k = 0; k < x.length; k++) x[k] = values.get(in.get(k));
        return x;
    }

    private static Tensor toInputShape(Node node, Connection input, Tensor x, Tensor dx) {
        if (Arrays.equals(dx.shape(), x.shape())) return dx;
        if (!Shapes.broadcastsTo(x.shape(), dx.shape())) {
            throw new DeepToyException(node.describe() + " (backward): returned a gradient of shape "
                    + Shapes.toString(dx.shape()) + " for " + input.label() + " of shape " + Shapes.toString(x.shape())
                    + "; a gradient has its input's shape (or the output's, when forward broadcast the input)");
        }
        return Shapes.sumTo(dx, x.shape());
    }

    private void accumulate(Connection input, Tensor dx) {
        // Gradients add up: a connection used twice receives both contributions.
        gradients.merge(input, dx, Tensor::plus);
    }

    private static void checkFinite(Node node, Tensor[] x, Tensor y) {
        int bad = y.firstNonFinite();
        if (bad < 0) return;
        List<Connection> in = node.inputs();
        for (int k = 0; k < x.length; k++) {
            int b = x[k].firstNonFinite();
            if (b < 0) continue;
            Connection c = in.get(k);
            // An op's output was already checked when that op ran: the error belongs there.
            if (c.producer() != null) return;
            String hint = switch (c.kind()) {
                case INPUT -> "Check the data fed to " + c.label();
                case VARIABLE -> "Check how " + c.label() + " was initialised or updated (too large a learning rate "
                        + "makes weights overflow)";
                default -> "Check the value given to the constant";
            };
            throw new DeepToyException(c.kind().name().toLowerCase(Locale.ROOT) + " " + c.label() + " contains "
                    + nonFinite(x[k].data()[b]) + " at " + Arrays.toString(x[k].unravel(b)) + ", so " + node.describe()
                    + " gives " + nonFinite(y.data()[bad]) + ". " + hint + "; turn this check off with ctx.checkFinite(false)");
        }
        throw new DeepToyException(node.describe() + " produced " + nonFinite(y.data()[bad])
                + " at index " + Arrays.toString(y.unravel(bad)) + " of its output " + Shapes.toString(y.shape())
                + " from finite inputs. Check the inputs' ranges (e.g. log of 0, exp of a large number, "
                + "division by 0); turn this check off with ctx.checkFinite(false)");
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "NaN" : v > 0 ? "+infinity" : "-infinity";
    }
}
