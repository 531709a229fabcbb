package org.deeptoy.graph;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One operation of a graph. A subclass holds the math: {@link #forward} computes the output from
 * the inputs' values, {@link #backward} turns dL/dy into dL/dx for each input. Both are pure
 * functions of their arguments, so one graph can run in many contexts.
 *
 * <p>The engine, not the op, adds gradients into each input (so an input used twice gets both
 * contributions) and sums a gradient returned in a broadcast shape back to the input's shape.
 *
 * <p>An op of one's own is written the same way, e.g. in a notebook cell (notebook 5b): a class that
 * calls {@code super("name")} and overrides the two abstract methods, added to a graph with
 * {@link ComputationalGraph#add(Node, String, Connection...)}, a new node each time.
 */
public abstract class Node {
    private final String op;
    private List<Connection> inputs;
    private Connection output;

    /** @param op the op's name as the user calls it, e.g. "matrixMultiply" */
    protected Node(String op) {
        this.op = op;
    }

    /**
     * Computes y from the inputs' values {@code x}; never modifies {@code x}.
     * Throw {@link #error} on bad shapes.
     */
    protected abstract Tensor forward(Tensor[] x);

    /**
     * Given the inputs {@code x}, the output {@code y} and dL/dy, returns dL/dx[i] for each input
     * (null where {@code need[i]} is false or no gradient flows). A gradient may be returned in
     * the shape of {@code y} when the forward broadcast its input: the engine sums it back.
     */
    protected abstract Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need);

    /**
     * The forward of an op whose result depends on the mode (training or inference), e.g. dropout;
     * by default the same as {@link #forward(Tensor[])}, which then gives the inference result.
     */
    protected Tensor forward(Tensor[] x, Pass pass) {
        return forward(x);
    }

    /** The backward matching {@link #forward(Tensor[], Pass)}; by default the mode-free one. */
    protected Tensor[] backward(Tensor[] x, Tensor y, Tensor dy, boolean[] need, Pass pass) {
        return backward(x, y, dy, need);
    }

    /** Whether this op behaves differently in training and inference (shown in graph pictures). */
    public boolean dependsOnMode() {
        return false;
    }

    /** Settings shown in pictures and errors, e.g. "axis=1"; empty when there are none. */
    public String attributes() {
        return "";
    }

    /** The op's name, e.g. "matrixMultiply". */
    public String op() {
        return op;
    }

    public List<Connection> inputs() {
        return inputs;
    }

    public Connection output() {
        return output;
    }

    /** The call as a student wrote it: {@code matrixMultiply(W1, x)}. */
    public String describe() {
        String args = inputs.stream().map(Connection::label).collect(Collectors.joining(", "));
        String attrs = attributes();
        return op + "(" + args + (attrs.isEmpty() ? "" : (args.isEmpty() ? "" : ", ") + attrs) + ")";
    }

    /** An error that starts with this call, e.g. {@code matrixMultiply(W1, x): inner dimensions differ ...}. */
    protected DeepToyException error(String message) {
        return new DeepToyException(describe() + ": " + message);
    }

    /** Shorthand for shapes in messages: {@code [50, 784]}. */
    protected static String shape(Tensor t) {
        return Shapes.toString(t.shape());
    }

    void wire(List<Connection> in, Connection out) {
        this.inputs = List.copyOf(in);
        this.output = out;
    }
}
