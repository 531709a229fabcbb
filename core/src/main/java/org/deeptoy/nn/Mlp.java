package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A multilayer perceptron: dense layers with an activation between them, softmax cross-entropy on
 * the last layer's scores, optional L2 on the weights.
 * <pre>{@code
 * Mlp mlp = Mlp.builder().layers(784, 256, 10).activation(Activation.RELU).seed(1).build();
 * }</pre>
 * Variables are named W1, b1, W2, b2, ... (layer by layer).
 */
public final class Mlp extends Classifier {
    private final Builder settings;

    private Mlp(Builder b, ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss) {
        super(cg, x, labels, scores, loss, b.exampleShape(), () -> new Adam(1e-3));
        this.settings = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The layer sizes, inputs first, classes last. */
    public int[] layers() {
        return settings.layers.clone();
    }

    @Override
    protected String spec() {
        return String.format(Locale.ROOT, "mlp layers=%s activation=%s init=%s l2=%s seed=%d",
                ModelFile.csv(settings.layers), settings.activation, settings.init(), settings.l2, settings.seed);
    }

    static Mlp fromSpec(Map<String, String> s) {
        return builder().layers(ModelFile.ints(s.get("layers"))).activation(Activation.parse(s.get("activation")))
                .init(Init.valueOf(s.get("init"))).l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed")))
                .build();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Mlp ");
        for (int i = 0; i < settings.layers.length; i++) sb.append(i == 0 ? "" : "-").append(settings.layers[i]);
        sb.append(' ').append(settings.activation);
        if (settings.l2 > 0) sb.append(", l2 ").append(settings.l2);
        return sb.append(", ").append(parameterCount()).append(" parameters").toString();
    }

    /** Settings of an {@link Mlp}; {@link #build} makes the graph. */
    public static final class Builder {
        private int[] layers;
        private Activation activation = Activation.RELU;
        private Init init;
        private double l2;
        private long seed;

        /** Layer sizes: inputs, hidden layers..., classes, e.g. {@code layers(784, 256, 10)}. */
        public Builder layers(int... sizes) {
            if (sizes.length < 2) throw new DeepToyException("Mlp.layers: give at least the inputs and the classes, e.g. layers(4, 3)");
            for (int s : sizes) if (s <= 0) throw new DeepToyException("Mlp.layers: sizes must be positive, got " + java.util.Arrays.toString(sizes));
            layers = sizes.clone();
            return this;
        }

        public Builder activation(Activation a) {
            activation = a;
            return this;
        }

        /** Weight initialisation (default: He for relu, Xavier for tanh and sigmoid). */
        public Builder init(Init i) {
            init = i;
            return this;
        }

        /** L2 regularization strength λ on the weight matrices (default 0). */
        public Builder l2(double lambda) {
            l2 = lambda;
            return this;
        }

        /** Seeds the initial weights. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        Init init() {
            return init != null ? init : activation.init();
        }

        int[] exampleShape() {
            return new int[] {layers[0]};
        }

        public Mlp build() {
            if (layers == null) throw new DeepToyException("Mlp.builder(): set the layer sizes first, e.g. .layers(784, 256, 10)");
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), labels = cg.input("labels");
            Random random = new Random(seed);
            Connection h = x;
            List<Connection> weights = new ArrayList<>();
            for (int i = 1; i < layers.length; i++) {
                h = Layers.dense(cg, h, layers[i - 1], layers[i], init(), random, String.valueOf(i));
                weights.add(cg.find("W" + i));
                if (i < layers.length - 1) h = activation.apply(cg, h);
            }
            Connection scores = h.named("scores");
            Connection loss = cg.softmaxCrossEntropy(scores, labels, l2 > 0 ? "dataLoss" : "loss");
            if (l2 > 0) loss = cg.sum(loss, cg.l2(l2, weights.toArray(Connection[]::new)), "loss");
            return new Mlp(this, cg, x, labels, scores, loss);
        }
    }
}
