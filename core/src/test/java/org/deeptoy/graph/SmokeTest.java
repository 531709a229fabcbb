package org.deeptoy.graph;

import org.deeptoy.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void onePlusTwoIsThree() {
        ComputationalGraph cg = new ComputationalGraph();
        Connection sum = cg.sum(cg.constant(1), cg.constant(2));
        SimulationContext ctx = new SimulationContext();
        ctx.forward(cg);
        assertEquals(3.0, ctx.get(sum).value().item());
        System.out.println(Tensor.randomNormal(1, 2, 3, 4));
    }
}
