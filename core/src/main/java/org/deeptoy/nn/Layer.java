package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One layer of a {@link Network}: a small object that adds its part of the graph and owns the
 * parameters it made. A model file stores each layer as its {@link #kind()} and its settings, and
 * rebuilds it through {@link #REGISTRY}.
 */
public interface Layer {
    /** The name under which model files store this layer, e.g. "dense". */
    String kind();

    /** The shape of one example leaving the layer, given the shape entering it (throws when it cannot take that shape). */
    int[] outputShape(int[] in);

    /** Adds this layer's variables and ops after {@code x} (one example of shape {@code in}); returns its output. */
    Connection build(ComputationalGraph cg, Connection x, int[] in, Random random);

    /** The weights L2 regularizes (weight matrices and filters, not biases); empty before build. */
    default List<Connection> weights() {
        return List.of();
    }

    /** Everything a model file saves for this layer: variables, and state such as running statistics. */
    default List<Connection> parameters() {
        return List.of();
    }

    /** Writes the settings (not the parameters) that {@link #REGISTRY}'s reader reads back. */
    default void writeSettings(DataOutput out) throws IOException {}

    /** Reads one layer's settings. */
    interface Reader {
        Layer read(DataInput in) throws IOException;
    }

    /** Every layer kind a model file may name. */
    Map<String, Reader> REGISTRY = Map.of(
            DenseLayer.KIND, DenseLayer::read,
            ConvLayer.KIND, ConvLayer::read,
            PoolLayer.KIND, PoolLayer::read,
            ActivationLayer.KIND, ActivationLayer::read,
            DropoutLayer.KIND, DropoutLayer::read,
            BatchNormLayer.KIND, BatchNormLayer::read,
            ResidualLayer.KIND, ResidualLayer::read,
            FlattenLayer.KIND, in -> new FlattenLayer());
}
