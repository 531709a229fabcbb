package org.deeptoy.optim;

import java.util.Locale;

/**
 * Adam (Kingma and Ba, 2015): running means of the gradient and of its square,
 * {@code m ← β1 m + (1-β1) g}, {@code v ← β2 v + (1-β2) g²}, corrected for their zero start,
 * {@code m̂ = m / (1-β1^t)}, {@code v̂ = v / (1-β2^t)}; step {@code w ← w - η m̂ / (√v̂ + ε)}.
 * Each weight gets its own step size, so Adam is forgiving about the learning rate (1e-3 is usual).
 */
public final class Adam extends Optimizer {
    private final double beta1, beta2, epsilon;

    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    protected int slots() {
        return 2;
    }

    @Override
    protected void update(double[] w, double[] g, double[][] state, double rate, long t) {
        double[] m = state[0], v = state[1];
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < w.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            w[i] -= rate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "Adam(%s)", learningRate());
    }
}
