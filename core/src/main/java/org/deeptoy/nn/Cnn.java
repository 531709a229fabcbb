package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Adam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A small convolutional network: blocks of conv2d ("same" padding) → relu → max-pool, then dense
 * layers, softmax cross-entropy on the scores.
 * <pre>{@code
 * Cnn cnn = Cnn.builder().input(1, 28, 28).conv(16, 5).pool(2).conv(32, 5).pool(2).dense(128).classes(10).build();
 * }</pre>
 * Variables: K1, c1, K2, c2, ... for filters and their biases, W1, b1, ... for the dense layers.
 */
public final class Cnn extends Classifier {
    private final Builder settings;

    private Cnn(Builder b, ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss) {
        super(cg, x, labels, scores, loss, b.input, () -> new Adam(1e-3));
        this.settings = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected String spec() {
        return String.format(Locale.ROOT, "cnn input=%s layers=%s classes=%d l2=%s seed=%d", ModelFile.csv(settings.input),
                join(",", settings.layers), settings.classes, settings.l2, settings.seed);
    }

    static Cnn fromSpec(Map<String, String> s) {
        Builder b = builder().input(ModelFile.ints(s.get("input"))).classes(Integer.parseInt(s.get("classes")))
                .l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed")));
        for (String token : s.get("layers").split(",")) b.layers.add(Layer.parse(token));
        return b.build();
    }

    @Override
    public String toString() {
        return "Cnn " + Arrays.toString(settings.input) + " " + join(" ", settings.layers) + " -> " + settings.classes
                + " classes, " + parameterCount() + " parameters";
    }

    private static String join(String separator, List<Layer> layers) {
        return String.join(separator, layers.stream().map(Layer::toString).toList());
    }

    /** One layer of the builder; its text ("conv:8x5", "pool:2", "dense:128") is how model files store it. */
    private record Layer(String kind, int n, int size) {
        static Layer parse(String token) {
            String[] kindRest = token.split(":");
            String[] nSize = kindRest[1].split("x");
            return new Layer(kindRest[0], Integer.parseInt(nSize[0]), nSize.length > 1 ? Integer.parseInt(nSize[1]) : 0);
        }

        @Override
        public String toString() {
            return kind + ":" + n + (kind.equals("conv") ? "x" + size : "");
        }
    }

    /** Settings of a {@link Cnn}: layers in order, e.g. conv, pool, conv, pool, dense. */
    public static final class Builder {
        private int[] input;
        private final List<Layer> layers = new ArrayList<>();
        private int classes;
        private double l2;
        private long seed;

        /** The shape of one example: channels, height, width. */
        public Builder input(int... chw) {
            if (chw.length != 3) throw new DeepToyException("Cnn.input: give channels, height, width, e.g. input(1, 28, 28)");
            input = chw.clone();
            return this;
        }

        /** A convolution with {@code filters} filters of {@code size}×{@code size} (odd size keeps the picture size), then relu. */
        public Builder conv(int filters, int size) {
            layers.add(new Layer("conv", filters, size));
            return this;
        }

        /** Max-pooling over {@code size}×{@code size} windows with stride {@code size}. */
        public Builder pool(int size) {
            layers.add(new Layer("pool", size, 0));
            return this;
        }

        /** A dense layer of {@code units} units, then relu. */
        public Builder dense(int units) {
            layers.add(new Layer("dense", units, 0));
            return this;
        }

        public Builder classes(int k) {
            classes = k;
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

        public Cnn build() {
            if (input == null || classes < 2) throw new DeepToyException("Cnn.builder(): set .input(c, h, w) and .classes(k)");
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), labels = cg.input("labels");
            Random random = new Random(seed);
            Connection h = x;
            int c = input[0], height = input[1], width = input[2], convs = 0, denses = 0;
            int features = -1;
            List<Connection> weights = new ArrayList<>();
            for (Layer layer : layers) {
                int n = layer.n(), size = layer.size();
                if (layer.kind().equals("conv")) {
                    if (features >= 0) throw new DeepToyException("Cnn: a conv layer cannot follow a dense layer");
                    convs++;
                    h = cg.relu(Layers.conv(cg, h, c, n, size, Init.HE, random, String.valueOf(convs)));
                    weights.add(cg.find("K" + convs));
                    c = n;
                    height = height + 2 * (size / 2) - size + 1;
                    width = width + 2 * (size / 2) - size + 1;
                } else if (layer.kind().equals("pool")) {
                    if (features >= 0) throw new DeepToyException("Cnn: a pool layer cannot follow a dense layer");
                    h = cg.maxPool2d(h, n, n);
                    height = (height - n) / n + 1;
                    width = (width - n) / n + 1;
                } else {
                    if (features < 0) {
                        features = c * height * width;
                        h = cg.reshape(h, -1, features);
                    }
                    denses++;
                    h = cg.relu(Layers.dense(cg, h, features, n, Init.HE, random, String.valueOf(denses)));
                    weights.add(cg.find("W" + denses));
                    features = n;
                }
            }
            if (features < 0) {
                features = c * height * width;
                h = cg.reshape(h, -1, features);
            }
            denses++;
            Connection scores = Layers.dense(cg, h, features, classes, Init.XAVIER, random, String.valueOf(denses)).named("scores");
            weights.add(cg.find("W" + denses));
            Connection loss = cg.softmaxCrossEntropy(scores, labels, l2 > 0 ? "dataLoss" : "loss");
            if (l2 > 0) loss = cg.sum(loss, cg.l2(l2, weights.toArray(Connection[]::new)), "loss");
            return new Cnn(this, cg, x, labels, scores, loss);
        }
    }
}
