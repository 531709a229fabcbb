package org.deeptoy.ops;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Blas;
import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class MatrixMultiplyBackendsTest {

    @Test
    void forwardAndBackwardAgreeOnEjmlAndOpenBlas() {
        int[][] shapes = {{1, 1, 1}, {1, 13, 5}, {7, 13, 5}, {128, 78, 25}};
        for (int[] s : shapes) {
            Tensor[] ejml = run("ejml", s[0], s[1], s[2]);
            Tensor[] open = run("openblas", s[0], s[1], s[2]);
            for (int t = 0; t < ejml.length; t++) {
                double[] e = ejml[t].data(), o = open[t].data();
                for (int i = 0; i < e.length; i++) {
                    assertEquals(e[i], o[i], 1e-12 * Math.max(1, Math.abs(e[i])),
                            "shape " + java.util.Arrays.toString(s) + ", result " + t + " at " + i);
                }
            }
        }
    }

    /** y = A·B for A [m, k], B [k, n]; returns y, dL/dA, dL/dB for L = Σ y ⊙ G with a fixed random G. */
    private static Tensor[] run(String backend, int m, int k, int n) {
        Blas before = Blas.current();
        try {
            Blas.use(backend);
            assertEquals(backend, Blas.current().name());
            ComputationalGraph cg = new ComputationalGraph();
            Connection a = cg.variable(Tensor.randomNormal(1, m, k), "A");
            Connection b = cg.variable(Tensor.randomNormal(2, k, n), "B");
            Connection y = cg.matrixMultiply(a, b);
            Connection g = cg.input("G");
            Connection loss = cg.reduceSum(cg.multiply(y, g));
            SimulationContext ctx = new SimulationContext();
            ctx.forward(cg, Map.of(g, Tensor.randomNormal(3, m, n)));
            ctx.backward(cg, loss);
            Tensor[] out = {ctx.value(y), ctx.gradient(a), ctx.gradient(b)};
            for (Tensor t : out) assertNotNull(t);
            return out;
        } finally {
            Blas.use(before.name());
        }
    }
}
