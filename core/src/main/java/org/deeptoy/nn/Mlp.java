package org.deeptoy.nn;

import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A multilayer perceptron: dense layers with an activation between them (optionally batch norm
 * before and dropout after each activation), softmax cross-entropy on the last layer's scores,
 * optional L2 on the weights.
 * <pre>{@code
 * Mlp mlp = Mlp.builder().layers(784, 256, 10).activation(Activation.RELU).seed(1).build();
 * }</pre>
 * Variables are named W1, b1, W2, b2, ... (layer by layer).
 */
public final class Mlp extends Classifier {

    Mlp(Network network) {
        super(network, () -> new Adam(1e-3));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The layer sizes, inputs first, classes last. */
    public int[] layers() {
        List<DenseLayer> dense = network().layers(DenseLayer.class);
        int[] sizes = new int[dense.size() + 1];
        sizes[0] = network().input()[0];
        for (int i = 0; i < dense.size(); i++) sizes[i + 1] = dense.get(i).units();
        return sizes;
    }

    /** Rebuilds an Mlp from a model file's settings of format version 1 ("mlp layers=784,256,10 activation=relu ..."). */
    static Mlp fromSpec(Map<String, String> s) {
        return builder().layers(ModelFile.ints(s.get("layers"))).activation(Activation.parse(s.get("activation")))
                .init(Init.valueOf(s.get("init"))).l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed")))
                .build();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Mlp ");
        int[] sizes = layers();
        for (int i = 0; i < sizes.length; i++) sb.append(i == 0 ? "" : "-").append(sizes[i]);
        network().layers(ActivationLayer.class).stream().findFirst().ifPresent(a -> sb.append(' ').append(a));
        if (!network().layers(BatchNormLayer.class).isEmpty()) sb.append(", batch norm");
        network().layers(DropoutLayer.class).stream().findFirst().ifPresent(d -> sb.append(", dropout ").append(d.p()));
        if (network().l2() > 0) sb.append(", l2 ").append(network().l2());
        return sb.append(", ").append(parameterCount()).append(" parameters").toString();
    }

    /** Settings of an {@link Mlp}; {@link #build} makes the layers and the graph. */
    public static final class Builder {
        private int[] layers;
        private Activation activation = Activation.RELU;
        private Init init;
        private double l2, dropout;
        private boolean batchNorm;
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

        /** Dropout with probability p after every hidden layer's activation (default 0: none). */
        public Builder dropout(double p) {
            if (!(p >= 0 && p < 1)) throw new DeepToyException("Mlp.dropout: p is the probability to drop a unit, in [0, 1); got " + p);
            dropout = p;
            return this;
        }

        /** Batch normalization before every hidden layer's activation (default off). */
        public Builder batchNorm(boolean on) {
            batchNorm = on;
            return this;
        }

        /** Seeds the initial weights. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** The layers: dense, [batch norm], activation, [dropout], ..., dense. */
        List<Layer> layerList() {
            Init in = init != null ? init : activation.init();
            List<Layer> list = new ArrayList<>();
            for (int i = 1; i < layers.length; i++) {
                list.add(new DenseLayer(layers[i], in, String.valueOf(i)));
                if (i == layers.length - 1) break;
                if (batchNorm) list.add(new BatchNormLayer(String.valueOf(i)));
                list.add(new ActivationLayer(activation));
                if (dropout > 0) list.add(new DropoutLayer(dropout));
            }
            return list;
        }

        public Mlp build() {
            if (layers == null) throw new DeepToyException("Mlp.builder(): set the layer sizes first, e.g. .layers(784, 256, 10)");
            return new Mlp(new Network(new int[] {layers[0]}, layerList(), Network.Loss.SOFTMAX_CROSS_ENTROPY, l2, seed));
        }
    }
}
