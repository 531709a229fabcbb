package org.deeptoy.nn;

import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Sgd;

import java.util.List;
import java.util.Map;

/**
 * A linear multiclass SVM: scores {@code s = x·W + b}, the Weston–Watkins hinge loss (margin 1)
 * plus L2 on W. Variables W [inputs, classes] and b [classes].
 * <pre>{@code
 * LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-3).build();
 * }</pre>
 */
public final class LinearSvm extends Classifier {

    LinearSvm(Network network) {
        super(network, () -> new Sgd(1e-2).momentum(0.9));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The weight matrix W [inputs, classes]: column j is the template of class j. */
    public Connection weights() {
        return network().layers(DenseLayer.class).get(0).w();
    }

    static LinearSvm fromSpec(Map<String, String> s) {
        return builder().inputs(Integer.parseInt(s.get("inputs"))).classes(Integer.parseInt(s.get("classes")))
                .l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed"))).build();
    }

    @Override
    public String toString() {
        double l2 = network().l2();
        return "LinearSvm " + network().input()[0] + " inputs -> " + network().classes() + " classes" + (l2 > 0 ? ", l2 " + l2 : "");
    }

    /** Settings of a {@link LinearSvm}. */
    public static final class Builder {
        private int inputs, classes;
        private double l2 = 1e-4;
        private long seed;

        public Builder inputs(int n) {
            inputs = n;
            return this;
        }

        public Builder classes(int k) {
            classes = k;
            return this;
        }

        /** L2 regularization λ on W (default 1e-4). */
        public Builder l2(double lambda) {
            l2 = lambda;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public LinearSvm build() {
            if (inputs <= 0 || classes < 2) {
                throw new DeepToyException("LinearSvm.builder(): set .inputs(n) (features per example) and .classes(k) (at least 2), got "
                        + inputs + " inputs and " + classes + " classes");
            }
            List<Layer> layers = List.of(new DenseLayer(classes, Init.SMALL, ""));
            return new LinearSvm(new Network(new int[] {inputs}, layers, Network.Loss.MULTICLASS_HINGE, l2, seed));
        }
    }
}
