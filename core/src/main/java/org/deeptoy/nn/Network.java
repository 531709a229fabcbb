package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.tensor.Shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A stack of {@link Layer}s from one example's shape to class scores, with its loss and L2
 * strength: what {@link Mlp}, {@link LinearSvm} and {@link Cnn} build, and what a model file stores.
 * The layers own their parameters once {@link #build} has run (once per network).
 */
public final class Network {
    /** The loss on the scores; with L2 the data part is named {@code dataName} and the sum "loss". */
    public enum Loss {
        SOFTMAX_CROSS_ENTROPY("dataLoss"), MULTICLASS_HINGE("hinge");

        final String dataName;

        Loss(String dataName) {
            this.dataName = dataName;
        }

        Connection apply(ComputationalGraph cg, Connection scores, Connection labels, String name) {
            return this == SOFTMAX_CROSS_ENTROPY ? cg.softmaxCrossEntropy(scores, labels, name) : cg.multiclassHinge(scores, labels, name);
        }
    }

    /** The graph built from the layers: inputs x and labels, scores, loss. */
    public record Graph(ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss) {}

    private final int[] input;
    private final List<Layer> layers;
    private final Loss loss;
    private final double l2;
    private final long seed;
    private Graph graph;

    public Network(int[] input, List<Layer> layers, Loss loss, double l2, long seed) {
        this.input = input.clone();
        this.layers = List.copyOf(layers);
        this.loss = loss;
        this.l2 = l2;
        this.seed = seed;
        int[] shape = this.input;
        for (Layer l : this.layers) shape = l.outputShape(shape);
        if (shape.length != 1) {
            throw new DeepToyException("network: the last layer gives examples of shape " + Shapes.toString(shape)
                    + "; end with a dense layer (one score per class)");
        }
    }

    /** Builds the graph (the first time; later calls return the same graph). */
    public Graph build() {
        if (graph != null) return graph;
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.input("x"), labels = cg.input("labels");
        Random random = new Random(seed);
        Connection h = x;
        int[] shape = input;
        for (Layer layer : layers) {
            h = layer.build(cg, h, shape, random);
            shape = layer.outputShape(shape);
        }
        Connection scores = h.named("scores");
        Connection out = loss.apply(cg, scores, labels, l2 > 0 ? loss.dataName : "loss");
        if (l2 > 0) out = cg.sum(out, cg.l2(l2, weights().toArray(Connection[]::new)), "loss");
        return graph = new Graph(cg, x, labels, scores, out);
    }

    /** The weights under L2, layer by layer. */
    public List<Connection> weights() {
        List<Connection> w = new ArrayList<>();
        for (Layer l : layers) w.addAll(l.weights());
        return w;
    }

    /** What a model file saves: every layer's parameters and state, layer by layer. */
    public List<Connection> parameters() {
        List<Connection> p = new ArrayList<>();
        for (Layer l : layers) p.addAll(l.parameters());
        return p;
    }

    public int[] input() {
        return input.clone();
    }

    public List<Layer> layers() {
        return layers;
    }

    public Loss loss() {
        return loss;
    }

    public double l2() {
        return l2;
    }

    public long seed() {
        return seed;
    }

    /** The number of classes: the units of the last dense layer. */
    public int classes() {
        int[] shape = input;
        for (Layer l : layers) shape = l.outputShape(shape);
        return shape[0];
    }

    /** The layers of a given type, in order. */
    <T extends Layer> List<T> layers(Class<T> type) {
        return layers.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
