package org.deeptoy.graph;

import org.deeptoy.ops.*;
import org.deeptoy.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A computational graph: connections (constants, inputs, variables, op outputs) joined by
 * operations. Building the graph computes nothing; a {@link SimulationContext} runs it.
 *
 * <pre>{@code
 * ComputationalGraph cg = new ComputationalGraph();
 * Connection sum = cg.sum(cg.constant(1), cg.constant(2));
 * SimulationContext ctx = new SimulationContext().forward(cg);
 * ctx.get(sum).value().item();   // 3.0
 * }</pre>
 *
 * Every op method takes an optional last argument, a name shown in errors and pictures.
 */
public final class ComputationalGraph {
    private final List<Connection> connections = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    // ---- leaves -----------------------------------------------------------------------------

    /** A constant scalar. */
    public Connection constant(double value) {
        return leaf(Connection.Kind.CONSTANT, Tensor.scalar(value), null);
    }

    public Connection constant(double value, String name) {
        return leaf(Connection.Kind.CONSTANT, Tensor.scalar(value), name);
    }

    /** A constant tensor (never trained). */
    public Connection constant(Tensor value) {
        return leaf(Connection.Kind.CONSTANT, value, null);
    }

    public Connection constant(Tensor value, String name) {
        return leaf(Connection.Kind.CONSTANT, value, name);
    }

    /** An input: a constant without a value, fed at forward time with {@code ctx.forward(cg, Map.of(x, t))}. */
    public Connection constant(String name) {
        return leaf(Connection.Kind.INPUT, null, name);
    }

    /** Same as {@link #constant(String)}: an input fed at forward time. */
    public Connection input(String name) {
        return constant(name);
    }

    /** A variable with an initial value, trained by optimizers. */
    public Connection variable(Tensor initial, String name) {
        if (initial == null) throw new DeepToyException("variable(" + name + "): a variable needs an initial value");
        return leaf(Connection.Kind.VARIABLE, initial, name);
    }

    public Connection variable(double initial, String name) {
        return variable(Tensor.scalar(initial), name);
    }

    // ---- arithmetic (numpy broadcasting) ----------------------------------------------------

    /** a + b. */
    public Connection sum(Connection a, Connection b) { return add(new Sum(), null, a, b); }
    public Connection sum(Connection a, Connection b, String name) { return add(new Sum(), name, a, b); }

    /** a - b. */
    public Connection subtract(Connection a, Connection b) { return add(new Subtract(), null, a, b); }
    public Connection subtract(Connection a, Connection b, String name) { return add(new Subtract(), name, a, b); }

    /** a * b, element by element. */
    public Connection multiply(Connection a, Connection b) { return add(new Multiply(), null, a, b); }
    public Connection multiply(Connection a, Connection b, String name) { return add(new Multiply(), name, a, b); }

    /** a / b, element by element. */
    public Connection div(Connection a, Connection b) { return add(new Div(), null, a, b); }
    public Connection div(Connection a, Connection b, String name) { return add(new Div(), name, a, b); }

    /** max(a, b), element by element. */
    public Connection max(Connection a, Connection b) { return add(new Max(), null, a, b); }
    public Connection max(Connection a, Connection b, String name) { return add(new Max(), name, a, b); }

    /** max(x, c) with a scalar c, element by element (max(x, 0) is relu). */
    public Connection max(Connection x, double c) { return add(new Max(), null, x, constant(c)); }
    public Connection max(Connection x, double c, String name) { return add(new Max(), name, x, constant(c)); }

    /** 1 where a > b, else 0, element by element (numpy's a > b as numbers): a mask; no gradient passes through. */
    public Connection greater(Connection a, Connection b) { return add(new Greater(), null, a, b); }
    public Connection greater(Connection a, Connection b, String name) { return add(new Greater(), name, a, b); }
    public Connection greater(Connection x, double c) { return add(new Greater(), null, x, constant(c)); }

    /** -x. */
    public Connection negate(Connection x) { return add(new Negate(), null, x); }
    public Connection negate(Connection x, String name) { return add(new Negate(), name, x); }

    /** Matrix product of a [m, k] and b [k, n]. */
    public Connection matrixMultiply(Connection a, Connection b) { return add(new MatrixMultiply(), null, a, b); }
    public Connection matrixMultiply(Connection a, Connection b, String name) { return add(new MatrixMultiply(), name, a, b); }

    /** One matrix product per batch entry: a [..., m, k] and b [..., k, n] with the same leading axes give [..., m, n]. */
    public Connection batchMatrixMultiply(Connection a, Connection b) { return add(new BatchMatrixMultiply(), null, a, b); }
    public Connection batchMatrixMultiply(Connection a, Connection b, String name) { return add(new BatchMatrixMultiply(), name, a, b); }

    // ---- element-wise functions -------------------------------------------------------------

    public Connection exp(Connection x) { return add(new Exp(), null, x); }
    public Connection exp(Connection x, String name) { return add(new Exp(), name, x); }

    /** Natural logarithm. */
    public Connection log(Connection x) { return add(new Log(), null, x); }
    public Connection log(Connection x, String name) { return add(new Log(), name, x); }

    /** x^p for a constant exponent p. */
    public Connection pow(Connection x, double p) { return add(new Pow(p), null, x); }
    public Connection pow(Connection x, double p, String name) { return add(new Pow(p), name, x); }

    public Connection sqrt(Connection x) { return add(new Sqrt(), null, x); }
    public Connection sqrt(Connection x, String name) { return add(new Sqrt(), name, x); }

    public Connection square(Connection x) { return add(new Square(), null, x); }
    public Connection square(Connection x, String name) { return add(new Square(), name, x); }

    public Connection sigmoid(Connection x) { return add(new Sigmoid(), null, x); }
    public Connection sigmoid(Connection x, String name) { return add(new Sigmoid(), name, x); }

    public Connection tanh(Connection x) { return add(new Tanh(), null, x); }
    public Connection tanh(Connection x, String name) { return add(new Tanh(), name, x); }

    public Connection relu(Connection x) { return add(new Relu(), null, x); }
    public Connection relu(Connection x, String name) { return add(new Relu(), name, x); }

    // ---- reductions and shapes --------------------------------------------------------------

    /** The sum of all values: a scalar. */
    public Connection reduceSum(Connection x) { return add(new ReduceSum(null, false), null, x); }
    /** The sum along one axis, which disappears from the shape (as numpy's default). */
    public Connection reduceSum(Connection x, int axis) { return add(new ReduceSum(axis, false), null, x); }
    public Connection reduceSum(Connection x, int axis, String name) { return add(new ReduceSum(axis, false), name, x); }
    /** The sum along one axis, keeping it with size 1 when {@code keepDims}. */
    public Connection reduceSum(Connection x, int axis, boolean keepDims) { return add(new ReduceSum(axis, keepDims), null, x); }

    /** The largest value: a scalar. Its gradient goes to that value (the first one on a tie). */
    public Connection reduceMax(Connection x) { return add(new ReduceMax(null, false), null, x); }
    /** The largest value along one axis, which disappears from the shape (numpy's max(axis)). */
    public Connection reduceMax(Connection x, int axis) { return add(new ReduceMax(axis, false), null, x); }
    /** The largest value along one axis, keeping it with size 1 when {@code keepDims}. */
    public Connection reduceMax(Connection x, int axis, boolean keepDims) { return add(new ReduceMax(axis, keepDims), null, x); }

    /** The mean of all values: a scalar. */
    public Connection mean(Connection x) { return add(new Mean(null, false), null, x); }
    /** The mean along one axis, which disappears from the shape. */
    public Connection mean(Connection x, int axis) { return add(new Mean(axis, false), null, x); }
    public Connection mean(Connection x, int axis, String name) { return add(new Mean(axis, false), name, x); }
    public Connection mean(Connection x, int axis, boolean keepDims) { return add(new Mean(axis, keepDims), null, x); }

    /** x repeated to a larger shape by numpy's broadcasting rules. */
    public Connection broadcast(Connection x, int... shape) { return add(new Broadcast(shape), null, x); }

    /** Axes permuted: output axis i is input axis {@code axes[i]}; no axes reverses them. */
    public Connection transpose(Connection x, int... axes) { return add(new Transpose(axes), null, x); }

    /** The same values in another shape (one size may be -1). */
    public Connection reshape(Connection x, int... shape) { return add(new Reshape(shape), null, x); }

    /** Softmax along the last axis. */
    public Connection softmax(Connection x) { return add(new Softmax(-1), null, x); }
    /** Softmax along {@code axis}, numerically stable. */
    public Connection softmax(Connection x, int axis) { return add(new Softmax(axis), null, x); }
    public Connection softmax(Connection x, int axis, String name) { return add(new Softmax(axis), name, x); }

    /** log(softmax(x)) along the last axis, computed stably. */
    public Connection logSoftmax(Connection x) { return add(new LogSoftmax(-1), null, x); }
    public Connection logSoftmax(Connection x, int axis) { return add(new LogSoftmax(axis), null, x); }
    public Connection logSoftmax(Connection x, int axis, String name) { return add(new LogSoftmax(axis), name, x); }

    /**
     * Softmax along the last axis over the positions where {@code mask} (0/1, broadcast to x) is 1; the
     * others get 0. {@code MaskedSoftmax.causal(t)} is the causal mask of attention.
     */
    public Connection maskedSoftmax(Connection x, Connection mask) { return add(new MaskedSoftmax(), null, x, mask); }
    public Connection maskedSoftmax(Connection x, Connection mask, String name) { return add(new MaskedSoftmax(), name, x, mask); }

    // ---- sequences --------------------------------------------------------------------------

    /** Rows of {@code table} [V, D] picked by {@code ids} (whole numbers 0..V-1, any shape S): shape S + [D]. */
    public Connection embedding(Connection table, Connection ids) { return add(new Embedding(), null, table, ids); }
    public Connection embedding(Connection table, Connection ids, String name) { return add(new Embedding(), name, table, ids); }

    /** Layer normalization of x [..., D] over its last axis, with scale γ and shift β [D] (variables); ε 1e-5. */
    public Connection layerNorm(Connection x, Connection gamma, Connection beta) { return add(new LayerNorm(1e-5), null, x, gamma, beta); }
    public Connection layerNorm(Connection x, Connection gamma, Connection beta, String name) { return add(new LayerNorm(1e-5), name, x, gamma, beta); }

    // ---- convolution ------------------------------------------------------------------------

    /**
     * 2-D convolution of an NCHW input [N, C, H, W] with OIHW filters [O, C, KH, KW]: the output is
     * [N, O, (H + 2·padding - KH) / stride + 1, (W + 2·padding - KW) / stride + 1]. No bias: add one
     * of shape [O, 1, 1] with {@code sum}.
     */
    public Connection conv2d(Connection input, Connection filters, int stride, int padding) { return add(new Conv2d(stride, padding), null, input, filters); }
    public Connection conv2d(Connection input, Connection filters, int stride, int padding, String name) { return add(new Conv2d(stride, padding), name, input, filters); }

    /** The maximum of each size x size window moved by {@code stride}, per image and channel (NCHW). */
    public Connection maxPool2d(Connection x, int size, int stride) { return add(new MaxPool2d(size, stride), null, x); }
    public Connection maxPool2d(Connection x, int size, int stride, String name) { return add(new MaxPool2d(size, stride), name, x); }

    // ---- losses and activations for learning -----------------------------------------------
    // Labels are class indices [n] (values 0..k-1) or target rows [n, k] (e.g. one-hot).

    /** {@code y = x if x > 0, else slope·x} (slope 0.01 is usual). */
    public Connection leakyRelu(Connection x, double slope) { return add(new LeakyRelu(slope), null, x); }
    public Connection leakyRelu(Connection x, double slope, String name) { return add(new LeakyRelu(slope), name, x); }

    /** Mean cross-entropy of softmax(logits [n, k]) against the labels; stable for any logits. */
    public Connection softmaxCrossEntropy(Connection logits, Connection labels) { return add(new SoftmaxCrossEntropy(), null, logits, labels); }
    public Connection softmaxCrossEntropy(Connection logits, Connection labels, String name) { return add(new SoftmaxCrossEntropy(), name, logits, labels); }

    /** Multiclass SVM loss (Weston–Watkins, margin 1) of scores [n, k], averaged over the n examples. */
    public Connection multiclassHinge(Connection scores, Connection labels) { return add(new MulticlassHinge(), null, scores, labels); }
    public Connection multiclassHinge(Connection scores, Connection labels, String name) { return add(new MulticlassHinge(), name, scores, labels); }

    /** Mean of (predictions - targets)² over all elements. */
    public Connection meanSquaredError(Connection predictions, Connection targets) { return add(new MeanSquaredError(), null, predictions, targets); }
    public Connection meanSquaredError(Connection predictions, Connection targets, String name) { return add(new MeanSquaredError(), name, predictions, targets); }

    // ---- ops that differ in training and inference (see SimulationContext.training) -------

    /** Inverted dropout: in training each value is zeroed with probability p and the rest scaled by 1/(1-p); at inference y = x. */
    public Connection dropout(Connection x, double p) { return add(new Dropout(p), null, x); }
    public Connection dropout(Connection x, double p, String name) { return add(new Dropout(p), name, x); }

    /**
     * Batch normalization of x [n, c] or [n, c, h, w] per feature or channel, with scale γ and
     * shift β [c] (variables) and running mean and variance [c] (constants it updates in training
     * and uses at inference); momentum 0.1, ε 1e-5.
     */
    public Connection batchNorm(Connection x, Connection gamma, Connection beta, Connection runningMean, Connection runningVar) {
        return add(new BatchNorm(0.1, 1e-5), null, x, gamma, beta, runningMean, runningVar);
    }

    public Connection batchNorm(Connection x, Connection gamma, Connection beta, Connection runningMean, Connection runningVar, String name) {
        return add(new BatchNorm(0.1, 1e-5), name, x, gamma, beta, runningMean, runningVar);
    }

    /** L2 regularization {@code λ Σ w²} over the given weights (usually the weight matrices, not biases). */
    public Connection l2(double lambda, Connection... weights) {
        if (weights.length == 0) throw new DeepToyException("l2: give at least one weight to regularize, e.g. cg.l2(1e-4, W1, W2)");
        return add(new L2(lambda), null, weights);
    }

    // ---- the graph itself -------------------------------------------------------------------

    /** All connections in creation order (a topological order). */
    public List<Connection> connections() {
        return Collections.unmodifiableList(connections);
    }

    /** All operations in creation order (a topological order). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The variables, in creation order. */
    public List<Connection> variables() {
        return connections.stream().filter(Connection::isVariable).toList();
    }

    /** The inputs (constants without a value), in creation order. */
    public List<Connection> inputs() {
        return connections.stream().filter(Connection::isInput).toList();
    }

    /** The operations that read {@code c}. */
    public List<Node> consumers(Connection c) {
        return nodes.stream().filter(n -> n.inputs().contains(c)).toList();
    }

    /** The first connection with this name, or null. */
    public Connection find(String name) {
        for (Connection c : connections) if (name.equals(c.name())) return c;
        return null;
    }

    /** Adds an operation (for ops defined outside DeepToy, e.g. in a notebook) and returns its output. */
    public Connection add(Node node, String name, Connection... inputs) {
        if (node.output() != null) throw new DeepToyException(node.op() + ": this node is already in a graph");
        for (Connection c : inputs) {
            if (c == null) throw new DeepToyException(node.op() + ": an input is null (was it created?)");
            checkOwns(c, node.op());
        }
        Connection out = new Connection(this, connections.size(), Connection.Kind.OPERATION, null, name, node);
        node.wire(List.of(inputs), out);
        connections.add(out);
        nodes.add(node);
        return out;
    }

    /** DOT text (Graphviz) of the graph; with a context, also shapes. */
    public String toDot() {
        return GraphDot.toDot(this, null);
    }

    public String toDot(SimulationContext ctx) {
        return GraphDot.toDot(this, ctx);
    }

    @Override
    public String toString() {
        return "ComputationalGraph(" + nodes.size() + " operations, " + variables().size() + " variables, "
                + inputs().size() + " inputs)";
    }

    // ---- engine helpers ---------------------------------------------------------------------

    void checkOwns(Connection c, String where) {
        if (c.graph() != this) {
            throw new DeepToyException(where + ": " + c.label() + " belongs to another ComputationalGraph");
        }
    }

    /** Which connections the targets depend on (all of them when targets is null), by id. */
    boolean[] ancestors(List<Connection> targets) {
        boolean[] mark = new boolean[connections.size()];
        if (targets == null) {
            java.util.Arrays.fill(mark, true);
            return mark;
        }
        for (Connection t : targets) {
            checkOwns(t, "forward");
            mark[t.id()] = true;
        }
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (mark[n.output().id()]) for (Connection in : n.inputs()) mark[in.id()] = true;
        }
        return mark;
    }

    /** Which connections are variables or computed from one, by id. */
    boolean[] dependsOnVariable() {
        boolean[] mark = new boolean[connections.size()];
        for (Connection c : connections) if (c.isVariable()) mark[c.id()] = true;
        for (Node n : nodes) for (Connection in : n.inputs()) if (mark[in.id()]) mark[n.output().id()] = true;
        return mark;
    }

    private Connection leaf(Connection.Kind kind, Tensor value, String name) {
        Connection c = new Connection(this, connections.size(), kind, value, name, null);
        connections.add(c);
        return c;
    }
}
