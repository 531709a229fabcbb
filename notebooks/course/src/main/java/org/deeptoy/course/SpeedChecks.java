package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.nn.Mlp;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;

import java.util.Map;
import java.util.Random;

/** Notebook 9's exercises (FLOPs of a product and of a training step). */
public final class SpeedChecks {
    private SpeedChecks() {}

    /** FLOPs of (A·B)·C with A [m, k], B [k, n], C [n, p]. */
    @FunctionalInterface
    public interface ChainFlops {
        long of(int m, int k, int n, int p);
    }

    /** Matrix-product FLOPs of one training step of an MLP with these layer sizes on a batch of b. */
    @FunctionalInterface
    public interface StepFlops {
        long of(int b, int[] layers);
    }

    /** Counts the FLOPs of the products it passes on. */
    private static final class Counting implements Blas {
        final Blas inner;
        long flops;

        Counting(Blas inner) {
            this.inner = inner;
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, double[] b,
                         double beta, double[] c) {
            inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
            flops += 2L * m * n * k;
        }

        @Override
        public String name() {
            return "counting " + inner.name();
        }
    }

    private static long counted(Runnable work) {
        Counting counter = new Counting(Blas.current());
        Blas.use(counter);
        try {
            work.run();
        } finally {
            Blas.use(counter.inner);
        }
        return counter.flops;
    }

    /** Exercise: FLOPs of (A·B)·C, against what the backend counts for two cg.matrixMultiply on random sizes. */
    public static boolean chainFlops(ChainFlops f) {
        Random r = cases();
        for (int t = 0; t < 3; t++) {
            int m = 2 + r.nextInt(20), k = 2 + r.nextInt(20), n = 2 + r.nextInt(20), p = 1 + r.nextInt(20);
            ComputationalGraph g = new ComputationalGraph();
            Connection ab = g.matrixMultiply(g.constant(Tensor.zeros(m, k)), g.constant(Tensor.zeros(k, n)));
            Connection abc = g.matrixMultiply(ab, g.constant(Tensor.zeros(n, p)));
            long want = counted(() -> new SimulationContext().forward(g, abc));
            Outcome<Long> o = attempt(() -> f.of(m, k, n, p));
            String on = " (for [" + m + ", " + k + "] · [" + k + ", " + n + "] · [" + n + ", " + p + "])";
            if (o.failed()) return fail(o.problem() + on);
            long got = o.value();
            if (got == want) continue;
            if (got == 0) return fail("it returns 0: is the code written yet?" + on);
            if (got * 2 == want) return fail("yours is half the count: are the additions counted as well as the multiplications?" + on);
            if (got == 2L * k * n * p + 2L * m * k * p) return fail("that is the count of A·(B·C), the other order; compute A·B first" + on);
            if (got == 2L * m * k * n || got == 2L * m * n * p) return fail("that counts one of the two products only" + on);
            return fail("count each product on its own: how many numbers does it have, and how many operations make each one?" + on);
        }
        return pass("chainFlops gives the FLOPs the backend counts for (A·B)·C, on 3 random shapes");
    }

    /** Exercise: FLOPs of a training step, against a real forward and backward pass of a random MLP, counted at the backend. */
    public static boolean stepFlops(StepFlops f) {
        Random r = cases();
        int b = 2 + r.nextInt(10);
        int[] layers = new int[3 + r.nextInt(2)];
        for (int i = 0; i < layers.length; i++) layers[i] = 3 + r.nextInt(30);
        Mlp m = Mlp.builder().layers(layers).seed(r.nextInt(100)).build();
        double[] labels = new double[b];
        for (int i = 0; i < b; i++) labels[i] = r.nextInt(layers[layers.length - 1]);
        SimulationContext c = new SimulationContext().variableGradientsOnly(true);
        Tensor x = normal(r, b, layers[0]);
        long want = counted(() -> {
            c.forward(m.graph(), Map.of(m.input(), x, m.labels(), Tensor.wrap(labels, b)), m.lossConnection());
            c.backward(m.graph(), m.lossConnection());
        });
        Outcome<Long> o = attempt(() -> f.of(b, layers.clone()));
        String on = " (for layers " + java.util.Arrays.toString(layers) + " and a batch of " + b + ")";
        if (o.failed()) return fail(o.problem() + on);
        long got = o.value(), forward = 0;
        for (int l = 0; l + 1 < layers.length; l++) forward += 2L * b * layers[l] * layers[l + 1];
        if (got == want) return pass("stepFlops gives the FLOPs counted in a real step");
        if (got == 0) return fail("it returns 0: is the code written yet?" + on);
        if (got == forward) return fail("that is the forward pass only; the backward pass has products too" + on);
        if (got == 3 * forward) return fail("a little too many: one of the backward products is not needed for every layer" + on);
        if (got * 2 == want) return fail("yours is half the count: are the additions counted?" + on);
        return fail("count the backward products layer by layer: dW for every layer, dX for all but the first" + on);
    }
}
