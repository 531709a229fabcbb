package org.deeptoy.tensor;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of an op's loops: every index once, on several threads, with the same bits as on one. */
class ParallelTest {
    private final int before = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.use(before);
    }

    @Test
    void partsCoverEveryIndexOnceAndRunOnSeveralThreads() {
        Parallel.use(2);
        int n = 1001;
        int[] seen = new int[n];
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        int parts = Parallel.run(n, 10, (part, from, to) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = from; i < to; i++) seen[i]++;
            try {
                Thread.sleep(50); // the other thread takes a part meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertEquals(Parallel.PARTS, parts);
        for (int i = 0; i < n; i++) assertEquals(1, seen[i], "index " + i);
        assertEquals(2, threads.size(), "threads that ran parts: " + threads);
        assertEquals(1, Parallel.run(5, 10, (part, from, to) -> {}), "a loop shorter than the grain is one part");
    }

    @Test
    void aFailingPartFailsTheRunAfterTheOthersEnded() {
        Parallel.use(2);
        List<Integer> ended = Collections.synchronizedList(new ArrayList<>());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.run(400, 1, (part, from, to) -> {
            if (part == 1) throw new IllegalStateException("part 1 failed");
            ended.add(part);
        }));
        assertEquals("part 1 failed", e.getMessage());
        assertEquals(Parallel.PARTS - 1, ended.size(), "the other parts ran to their end: " + ended);
    }

    /** A training step through every op whose loops run in parts, on one thread and on two: the same bits. */
    @Test
    void aTrainingStepGivesTheSameBitsOnOneThreadAndOnTwo() {
        Parallel.use(1);
        List<double[]> one = trainingStep();
        Parallel.use(2);
        List<double[]> two = trainingStep();
        assertEquals(one.size(), two.size());
        for (int i = 0; i < one.size(); i++) assertArrayEquals(one.get(i), two.get(i), "value " + i);
    }

    private static List<double[]> trainingStep() {
        ComputationalGraph cg = new ComputationalGraph();
        int n = 64, c = 4, o = 8;
        Connection x = cg.variable(Tensor.randomNormal(1, n, c, 16, 16), "x");
        Connection f = cg.variable(Tensor.randomNormal(2, o, c, 3, 3), "F");
        Connection bias = cg.variable(Tensor.randomNormal(3, o, 1, 1), "b");
        Connection conv = cg.sum(cg.conv2d(x, f, 1, 1), bias);                             // conv2d, a broadcast sum
        Connection bn = cg.batchNorm(conv, cg.variable(Tensor.randomNormal(4, o), "γ"), cg.variable(Tensor.randomNormal(5, o), "β"),
                cg.constant(Tensor.zeros(o), "μ"), cg.constant(Tensor.ones(o), "σ²"));
        Connection act = cg.relu(cg.sum(bn, conv));                                        // an element-wise sum, relu
        Connection pooled = cg.reshape(cg.maxPool2d(act, 2, 2), n, o * 8 * 8);
        Connection w = cg.variable(Tensor.randomNormal(6, o * 8 * 8, 300), "W");
        Connection scores = cg.matrixMultiply(pooled, w);                                  // a product cut into rows
        Connection loss = cg.reduceSum(cg.multiply(scores, cg.constant(Tensor.randomNormal(7, n, 300), "R")));
        SimulationContext ctx = new SimulationContext().training(true).precision(Precision.FLOAT32).forward(cg).backward(cg, loss);
        List<double[]> out = new ArrayList<>();
        for (Connection v : List.of(conv, bn, act, scores, loss)) out.add(ctx.value(v).data());
        for (Connection v : List.of(x, f, bias, w)) out.add(ctx.gradient(v).data());
        assertTrue(Parallel.parts(n * o * 16 * 16, 65536) > 1, "the activations are large enough to be cut into parts");
        return out;
    }
}
