package org.deeptoy.graph;

import org.deeptoy.tensor.Shapes;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * An edge of the graph: a constant, an input (a constant fed at forward time), a variable
 * (trained), or the output of an operation. Values computed in a pass live in a
 * {@link SimulationContext}; only constants and variables carry their own value here.
 */
public final class Connection {
    /** What kind of edge this is. */
    public enum Kind { CONSTANT, INPUT, VARIABLE, OPERATION }

    private final ComputationalGraph graph;
    private final int id;
    private final Kind kind;
    private final Node producer;
    private String name;
    private Tensor value;

    Connection(ComputationalGraph graph, int id, Kind kind, Tensor value, String name, Node producer) {
        this.graph = graph;
        this.id = id;
        this.kind = kind;
        this.value = value;
        this.name = name;
        this.producer = producer;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isVariable() {
        return kind == Kind.VARIABLE;
    }

    public boolean isInput() {
        return kind == Kind.INPUT;
    }

    /** The operation that computes this connection, or null for constants, inputs and variables. */
    public Node producer() {
        return producer;
    }

    public ComputationalGraph graph() {
        return graph;
    }

    /** A number unique within the graph, in creation order. */
    public int id() {
        return id;
    }

    /** The name given by the user, or null. */
    public String name() {
        return name;
    }

    /** Gives this connection a name (shown in errors and pictures); returns this. */
    public Connection named(String newName) {
        this.name = newName;
        return this;
    }

    /**
     * The value of a constant or the current value of a variable (null for inputs and operation
     * outputs, whose values live in a {@link SimulationContext}).
     */
    public Tensor value() {
        return value;
    }

    /** Replaces a variable's value (optimizers, loading a model); the shape must stay the same. */
    public void set(Tensor newValue) {
        if (kind != Kind.VARIABLE && kind != Kind.CONSTANT) {
            throw new DeepToyException(label() + " is " + article() + "; only variables and constants hold a value"
                    + (kind == Kind.INPUT ? " (feed inputs with ctx.forward(cg, Map.of(" + label() + ", tensor)))" : ""));
        }
        if (newValue == null) throw new DeepToyException("set(" + label() + "): the new value is null");
        if (value != null && !Arrays.equals(value.shape(), newValue.shape())) {
            throw new DeepToyException("set(" + label() + "): new value has shape " + Shapes.toString(newValue.shape())
                    + " but " + label() + " has shape " + Shapes.toString(value.shape()));
        }
        this.value = newValue;
    }

    /** How this connection is called in messages: its name, a scalar constant's value, or op#id. */
    public String label() {
        if (name != null) return name;
        if (kind == Kind.CONSTANT && value != null && value.size() == 1) {
            double v = value.data()[0];
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }
        if (producer != null) return producer.op() + "#" + id;
        return kind.name().toLowerCase(Locale.ROOT) + "#" + id;
    }

    String article() {
        return switch (kind) {
            case CONSTANT -> "a constant";
            case INPUT -> "an input";
            case VARIABLE -> "a variable";
            case OPERATION -> "the output of " + producer.op();
        };
    }

    @Override
    public String toString() {
        String v = value == null ? "" : " " + Shapes.toString(value.shape());
        return "Connection(" + label() + ", " + kind.name().toLowerCase(Locale.ROOT) + v + ")";
    }
}
