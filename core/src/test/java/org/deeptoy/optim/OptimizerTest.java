package org.deeptoy.optim;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    /** f(w) = Σ a_i (w_i - c_i)², an ill-conditioned bowl (a from 0.1 to 10) with its minimum at c. */
    private static final Tensor A = Tensor.vector(0.1, 1, 10), C = Tensor.vector(3, -2, 0.5);

    private static double[] minimise(Optimizer opt, int steps) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(Tensor.zeros(3), "w");
        Connection f = cg.reduceSum(cg.multiply(cg.constant(A, "a"), cg.square(cg.subtract(w, cg.constant(C, "c")))));
        SimulationContext ctx = new SimulationContext();
        for (int i = 0; i < steps; i++) {
            ctx.forward(cg).backward(cg, f);
            opt.step(cg.variables(), ctx);
        }
        return w.value().toArray();
    }

    private static void assertReachesMinimum(Supplier<Optimizer> opt, int steps, double tol) {
        double[] w = minimise(opt.get(), steps);
        assertArrayEquals(C.toArray(), w, tol, () -> opt.get() + " after " + steps + " steps");
    }

    @Test
    void sgdStepIsMinusRateTimesGradient() {
        // f = Σ a (w - c)² at w = 0: g = -2ac, so one step gives w = 0.01 * 2ac.
        double[] w = minimise(new Sgd(0.01), 1);
        for (int i = 0; i < 3; i++) assertEquals(0.01 * 2 * A.data()[i] * C.data()[i], w[i], 1e-15);
    }

    @Test
    void allOptimizersReachTheMinimumOfAQuadratic() {
        assertReachesMinimum(() -> new Sgd(0.04), 2000, 1e-6);
        assertReachesMinimum(() -> new Sgd(0.04).momentum(0.9), 500, 1e-6);
        assertReachesMinimum(() -> new Sgd(0.04).nesterov(0.9), 500, 1e-6);
        assertReachesMinimum(() -> new Adam(0.1), 2000, 1e-4);
    }

    @Test
    void momentumIsFasterThanPlainSgdOnAnIllConditionedBowl() {
        double plain = distance(minimise(new Sgd(0.04), 100)), momentum = distance(minimise(new Sgd(0.04).momentum(0.9), 100));
        assertTrue(momentum < plain / 10, "momentum " + momentum + " vs plain " + plain);
    }

    @Test
    void nesterovDiffersFromMomentumByTheLookAhead() {
        // Two steps on f = w² from w = 1 (g = 2w), rate 0.1, μ = 0.5, worked by hand:
        // momentum: v=2, w=0.8; v=0.5*2+1.6=2.6, w=0.54.  Nesterov: v=2, w=1-0.1(2+1)=0.7; v=1+1.4=2.4, w=0.7-0.1(1.4+1.2)=0.44.
        assertEquals(0.54, squareSteps(new Sgd(0.1).momentum(0.5)), 1e-12);
        assertEquals(0.44, squareSteps(new Sgd(0.1).nesterov(0.5)), 1e-12);
    }

    private static double squareSteps(Optimizer opt) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection w = cg.variable(1, "w");
        Connection f = cg.square(w);
        SimulationContext ctx = new SimulationContext();
        for (int i = 0; i < 2; i++) {
            ctx.forward(cg).backward(cg, f);
            opt.step(cg.variables(), ctx);
        }
        return w.value().item();
    }

    @Test
    void adamFirstStepHasTheSizeOfTheLearningRate() {
        // Bias correction makes the first step ±rate for every weight, whatever the gradient's size.
        double[] w = minimise(new Adam(0.01), 1);
        for (int i = 0; i < 3; i++) assertEquals(0.01 * Math.signum(C.data()[i]), w[i], 1e-9);
    }

    @Test
    void schedulesChangeTheRateByEpoch() {
        Optimizer step = new Sgd(0.1).schedule(Schedule.step(2, 0.5));
        double[] rates = new double[5];
        for (int e = 0; e < 5; e++) {
            step.startEpoch(e);
            rates[e] = step.learningRate();
        }
        assertArrayEquals(new double[] {0.1, 0.1, 0.05, 0.05, 0.025}, rates, 1e-15);
        Optimizer exp = new Adam(1).schedule(Schedule.exponential(0.9));
        exp.startEpoch(3);
        assertEquals(0.729, exp.learningRate(), 1e-12);
        Optimizer cosine = new Adam(1).schedule(Schedule.cosine(4));
        double[] c = new double[5];
        for (int e = 0; e < 5; e++) {
            cosine.startEpoch(e);
            c[e] = cosine.learningRate();
        }
        double r2 = Math.sqrt(0.5);
        assertArrayEquals(new double[] {1, (1 + r2) / 2, 0.5, (1 - r2) / 2, (1 - r2) / 2}, c, 1e-12, "full rate, half way, then the last rate kept");
        assertTrue(cosine.toString().endsWith(", cosine over 4 epochs"), cosine.toString());
    }

    private static double distance(double[] w) {
        double s = 0;
        for (int i = 0; i < 3; i++) s += (w[i] - C.data()[i]) * (w[i] - C.data()[i]);
        return Math.sqrt(s);
    }
}
