package org.deeptoy.optim;

import java.util.Locale;

/**
 * Stochastic gradient descent: {@code w ← w - η g}. With momentum μ it keeps a velocity
 * {@code v ← μ v + g} and steps {@code w ← w - η v}; Nesterov's variant steps
 * {@code w ← w - η (g + μ v)}, looking one velocity step ahead (the form PyTorch uses).
 */
public final class Sgd extends Optimizer {
    private double momentum;
    private boolean nesterov;

    public Sgd(double learningRate) {
        super(learningRate);
    }

    /** Uses momentum μ (0.9 is usual); returns this. */
    public Sgd momentum(double mu) {
        if (!(mu >= 0 && mu < 1)) throw new IllegalArgumentException("Sgd.momentum: μ must be in [0, 1), got " + mu);
        this.momentum = mu;
        return this;
    }

    /** Uses Nesterov momentum μ; returns this. */
    public Sgd nesterov(double mu) {
        momentum(mu);
        this.nesterov = true;
        return this;
    }

    @Override
    protected int slots() {
        return momentum == 0 ? 0 : 1;
    }

    @Override
    protected void update(double[] w, double[] g, double[][] state, double rate, long t) {
        if (momentum == 0) {
            for (int i = 0; i < w.length; i++) w[i] -= rate * g[i];
            return;
        }
        double[] v = state[0];
        double mu = momentum;
        for (int i = 0; i < w.length; i++) {
            v[i] = mu * v[i] + g[i];
            w[i] -= rate * (nesterov ? g[i] + mu * v[i] : v[i]);
        }
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "Sgd(%s%s)", learningRate(),
                momentum == 0 ? "" : (nesterov ? ", Nesterov " : ", momentum ") + momentum);
    }
}
