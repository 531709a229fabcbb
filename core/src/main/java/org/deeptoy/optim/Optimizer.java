package org.deeptoy.optim;

import org.deeptoy.graph.Connection;
import org.deeptoy.graph.DeepToyException;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Updates a graph's variables in place from the gradients a {@link SimulationContext} computed:
 * <pre>{@code
 * ctx.forward(cg, feeds).backward(cg, loss);
 * optimizer.step(cg.variables(), ctx);
 * }</pre>
 * A subclass gives the update rule for one variable; the state it keeps between steps (velocity,
 * moments) lives here, per variable.
 */
public abstract class Optimizer {
    private final double baseRate;
    private Schedule schedule = Schedule.constant();
    private double rate;
    private long steps;
    private final Map<Connection, double[][]> state = new HashMap<>();

    protected Optimizer(double learningRate) {
        if (!(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new DeepToyException(getClass().getSimpleName() + ": the learning rate must be a positive number, got " + learningRate);
        }
        this.baseRate = learningRate;
        this.rate = learningRate;
    }

    /** Changes the learning rate from epoch to epoch (see {@link Schedule}); returns this. */
    public Optimizer schedule(Schedule s) {
        this.schedule = s;
        this.rate = s.rate(baseRate, 0);
        return this;
    }

    /** Sets the learning rate for {@code epoch} (0-based) from the schedule; {@code fit} calls it. */
    public void startEpoch(int epoch) {
        rate = schedule.rate(baseRate, epoch);
    }

    /** The learning rate in use now. */
    public double learningRate() {
        return rate;
    }

    /** How many steps were taken. */
    public long steps() {
        return steps;
    }

    /** One update of every variable that has a gradient in {@code ctx}. */
    public void step(Collection<Connection> variables, SimulationContext ctx) {
        steps++;
        for (Connection v : variables) {
            if (!v.isVariable()) throw new DeepToyException(name() + ".step: " + v.label() + " is not a variable");
            SimulationContext.Data d = ctx.get(v);
            if (!d.hasGradient()) continue;
            Tensor w = v.value(), g = d.gradient();
            double[][] s = state.computeIfAbsent(v, k -> new double[slots()][w.size()]);
            update(w.data(), g.data(), s, rate, steps);
        }
    }

    /** Forgets velocities and moments (e.g. before training a fresh model). */
    public void reset() {
        state.clear();
        steps = 0;
    }

    /** How many arrays of per-weight state the rule keeps (0 for plain SGD, 1 momentum, 2 Adam). */
    protected abstract int slots();

    /**
     * Updates {@code w} in place from gradient {@code g}.
     *
     * @param state the rule's per-weight arrays, zero at the first step; modified
     * @param t     the step number, from 1
     */
    protected abstract void update(double[] w, double[] g, double[][] state, double rate, long t);

    /** The optimizer as written in code, e.g. {@code Sgd(0.1, momentum 0.9)}. */
    public abstract String name();

    @Override
    public String toString() {
        return name() + (schedule == Schedule.constant() ? "" : ", " + schedule);
    }
}
