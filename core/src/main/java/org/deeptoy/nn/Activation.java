package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;

/** The non-linearity between layers. */
public enum Activation {
    RELU, LEAKY_RELU, TANH, SIGMOID;

    /** Adds this activation of {@code x} to the graph. */
    public Connection apply(ComputationalGraph cg, Connection x) {
        return switch (this) {
            case RELU -> cg.relu(x);
            case LEAKY_RELU -> cg.leakyRelu(x, 0.01);
            case TANH -> cg.tanh(x);
            case SIGMOID -> cg.sigmoid(x);
        };
    }

    /** The initialisation that suits it: He for the relu family, Xavier for the saturating ones. */
    public Init init() {
        return this == RELU || this == LEAKY_RELU ? Init.HE : Init.XAVIER;
    }

    /** Parses "relu", "leakyRelu", "tanh", "sigmoid" (any case, with or without underscore). */
    public static Activation parse(String s) {
        String k = s.replace("_", "").toLowerCase(java.util.Locale.ROOT);
        for (Activation a : values()) if (a.name().replace("_", "").toLowerCase(java.util.Locale.ROOT).equals(k)) return a;
        throw new IllegalArgumentException("unknown activation '" + s + "': use relu, leakyRelu, tanh or sigmoid");
    }

    @Override
    public String toString() {
        return this == LEAKY_RELU ? "leakyRelu" : name().toLowerCase(java.util.Locale.ROOT);
    }
}
