package org.deeptoy.nn;

import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Adam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A small convolutional network: blocks of conv2d ("same" padding) → relu → max-pool, then dense
 * layers, softmax cross-entropy on the scores; batch norm and dropout where the builder puts them.
 * <pre>{@code
 * Cnn cnn = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).conv(32, 5).pool(2).dense(128).classes(10).build();
 * }</pre>
 * Variables: K1, c1, K2, c2, ... for filters and their biases, W1, b1, ... for the dense layers,
 * gamma1, beta1, ... for batch norm. A residual block takes the next conv number k: K{k}a, K{k}b (and
 * K{k}s for its projection), gamma{k}a, ... (see {@link ResidualLayer}).
 */
public final class Cnn extends Classifier {

    Cnn(Network network) {
        super(network, () -> new Adam(1e-3));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Rebuilds a Cnn from a model file's settings of format version 1 ("cnn input=1,6,6 layers=conv:2x3,pool:2,dense:4 ..."). */
    static Cnn fromSpec(Map<String, String> s) {
        Builder b = builder().input(ModelFile.ints(s.get("input"))).classes(Integer.parseInt(s.get("classes")))
                .l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed")));
        for (String token : s.get("layers").split(",")) {
            String[] kindRest = token.split(":");
            String[] nSize = kindRest[1].split("x");
            int n = Integer.parseInt(nSize[0]);
            switch (kindRest[0]) {
                case "conv" -> b.conv(n, Integer.parseInt(nSize[1]));
                case "pool" -> b.pool(n);
                case "dense" -> b.dense(n);
                default -> throw new IllegalArgumentException("unknown layer '" + token + "'");
            }
        }
        return b.build();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Cnn " + Arrays.toString(network().input()));
        List<Layer> layers = network().layers();
        for (int i = 0; i < layers.size() - 1; i++) {
            Layer l = layers.get(i);
            if (l instanceof ConvLayer c) sb.append(" conv:").append(c.filters()).append('x').append(c.size());
            else if (l instanceof PoolLayer p) sb.append(" pool:").append(p.size());
            else if (l instanceof DenseLayer d) sb.append(" dense:").append(d.units());
            else if (l instanceof DropoutLayer d) sb.append(" dropout:").append(d.p());
            else if (l instanceof BatchNormLayer) sb.append(" batchNorm");
            else if (l instanceof ResidualLayer r) sb.append(r.skip() ? " residual:" : " plain:").append(r.channels()).append(r.norm() ? "" : "(no bn)");
        }
        return sb.append(" -> ").append(network().classes()).append(" classes, ").append(parameterCount()).append(" parameters").toString();
    }

    /** Settings of a {@link Cnn}: layers in order, e.g. conv, pool, conv, pool, dense. */
    public static final class Builder {
        private int[] input;
        /** Made fresh for every build: a layer owns the parameters of one graph. */
        private final List<Supplier<Layer>> layers = new ArrayList<>();
        private int classes, convs, denses, norms;
        private boolean flat, blockNorm = true;
        private double l2;
        private long seed;
        private Init init = Init.HE;

        /** The shape of one example: channels, height, width. */
        public Builder input(int... chw) {
            if (chw.length != 3) throw new DeepToyException("Cnn.input: give channels, height, width, e.g. input(1, 28, 28)");
            input = chw.clone();
            return this;
        }

        /** A convolution with {@code filters} filters of {@code size}×{@code size} (odd size keeps the picture size), then relu. */
        public Builder conv(int filters, int size) {
            if (flat) throw new DeepToyException("Cnn: a conv layer cannot follow a dense layer");
            String k = String.valueOf(++convs);
            layers.add(() -> new ConvLayer(filters, size, init, k));
            layers.add(() -> new ActivationLayer(Activation.RELU));
            return this;
        }

        /** Max-pooling over {@code size}×{@code size} windows with stride {@code size}. */
        public Builder pool(int size) {
            if (flat) throw new DeepToyException("Cnn: a pool layer cannot follow a dense layer");
            new PoolLayer(size); // checks the size now
            layers.add(() -> new PoolLayer(size));
            return this;
        }

        /**
         * Batch normalization of the previous layer's output, per channel after a conv, per unit
         * after a dense layer. Put it right after {@code conv} or {@code dense}: it then normalises
         * what the relu made.
         */
        public Builder batchNorm() {
            String k = String.valueOf(++norms);
            layers.add(() -> new BatchNormLayer(k));
            return this;
        }

        /**
         * A residual block to {@code channels} channels: y = relu(F(x) + x) with F two 3×3 convolutions,
         * each followed by batch norm, the first also by relu; a 1×1 convolution of x (a projection)
         * replaces x when the channels change. The picture keeps its size; pool to shrink it.
         */
        public Builder residual(int channels) {
            return block(channels, true);
        }

        /** The same two convolutions as {@link #residual} without the skip: y = relu(F(x)), to compare with. */
        public Builder plain(int channels) {
            return block(channels, false);
        }

        /** Whether the blocks added after this call normalise with batch norm (default yes) or use biases. */
        public Builder blockNorm(boolean on) {
            blockNorm = on;
            return this;
        }

        private Builder block(int channels, boolean skip) {
            if (flat) throw new DeepToyException("Cnn: a residual block cannot follow a dense layer");
            boolean norm = blockNorm;
            String k = String.valueOf(++convs);
            new ResidualLayer(channels, skip, norm, k); // checks the channels now
            layers.add(() -> new ResidualLayer(channels, skip, norm, k));
            return this;
        }

        /** Dropout with probability p of the previous layer's output, in training only. */
        public Builder dropout(double p) {
            new DropoutLayer(p); // checks p now
            layers.add(() -> new DropoutLayer(p));
            return this;
        }

        /** A dense layer of {@code units} units, then relu. */
        public Builder dense(int units) {
            flatten();
            String k = String.valueOf(++denses);
            layers.add(() -> new DenseLayer(units, init, k));
            layers.add(() -> new ActivationLayer(Activation.RELU));
            return this;
        }

        public Builder classes(int k) {
            classes = k;
            return this;
        }

        /**
         * How the filters and the hidden dense layers start (default He, which suits their relu); the last
         * layer, which makes the scores, starts Xavier. Applies to every layer, wherever it is called.
         */
        public Builder init(Init i) {
            if (i == null) throw new DeepToyException("Cnn.init: give an Init, e.g. init(Init.XAVIER)");
            init = i;
            return this;
        }

        public Builder l2(double lambda) {
            l2 = lambda;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        private void flatten() {
            if (!flat) layers.add(FlattenLayer::new);
            flat = true;
        }

        public Cnn build() {
            if (input == null || classes < 2) throw new DeepToyException("Cnn.builder(): set .input(c, h, w) and .classes(k)");
            List<Layer> all = new ArrayList<>();
            for (Supplier<Layer> l : layers) all.add(l.get());
            if (!flat) all.add(new FlattenLayer());
            all.add(new DenseLayer(classes, Init.XAVIER, String.valueOf(denses + 1)));
            return new Cnn(new Network(input, all, Network.Loss.SOFTMAX_CROSS_ENTROPY, l2, seed));
        }
    }
}
