package org.deeptoy.nn;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.optim.Sgd;

import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A linear multiclass SVM: scores {@code s = x·W + b}, the Weston–Watkins hinge loss (margin 1)
 * plus L2 on W. Variables W [inputs, classes] and b [classes].
 * <pre>{@code
 * LinearSvm svm = LinearSvm.builder().inputs(4).classes(3).l2(1e-3).build();
 * }</pre>
 */
public final class LinearSvm extends Classifier {
    private final Builder settings;

    private LinearSvm(Builder b, ComputationalGraph cg, Connection x, Connection labels, Connection scores, Connection loss) {
        super(cg, x, labels, scores, loss, new int[] {b.inputs}, () -> new Sgd(1e-2).momentum(0.9));
        this.settings = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The weight matrix W [inputs, classes]: column j is the template of class j. */
    public Connection weights() {
        return cg.find("W");
    }

    @Override
    protected String spec() {
        return String.format(Locale.ROOT, "svm inputs=%d classes=%d l2=%s seed=%d", settings.inputs, settings.classes,
                settings.l2, settings.seed);
    }

    static LinearSvm fromSpec(Map<String, String> s) {
        return builder().inputs(Integer.parseInt(s.get("inputs"))).classes(Integer.parseInt(s.get("classes")))
                .l2(Double.parseDouble(s.get("l2"))).seed(Long.parseLong(s.get("seed"))).build();
    }

    @Override
    public String toString() {
        return "LinearSvm " + settings.inputs + " inputs -> " + settings.classes + " classes"
                + (settings.l2 > 0 ? ", l2 " + settings.l2 : "");
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
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), labels = cg.input("labels");
            Connection w = cg.variable(Init.SMALL.weights(new Random(seed), inputs, classes, inputs, classes), "W");
            Connection b = cg.variable(org.deeptoy.tensor.Tensor.zeros(classes), "b");
            Connection scores = cg.sum(cg.matrixMultiply(x, w), b, "scores");
            Connection loss = cg.multiclassHinge(scores, labels, l2 > 0 ? "hinge" : "loss");
            if (l2 > 0) loss = cg.sum(loss, cg.l2(l2, w), "loss");
            return new LinearSvm(this, cg, x, labels, scores, loss);
        }
    }
}
