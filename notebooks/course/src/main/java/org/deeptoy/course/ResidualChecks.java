package org.deeptoy.course;

import static org.deeptoy.course.Check.*;

import org.deeptoy.course.Compare.Diff;
import org.deeptoy.course.Compare.Where;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.Connection;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/** Notebook 8d's exercise (a residual block's forward pass, written with the engine's ops). */
public final class ResidualChecks {
    private ResidualChecks() {}

    /** What the student writes: the block's output, from x [n, c, h, w] and the filters k1, k2 [c, c, 3, 3]. */
    @FunctionalInterface
    public interface Block {
        Connection apply(ComputationalGraph cg, Connection x, Connection k1, Connection k2);
    }

    /**
     * Exercise: y = relu(F(x) + x) with F(x) = conv(relu(conv(x, k1)), k2), 3×3 "same" convolutions
     * (stride 1, padding 1), no batch norm; compared with the same block built here, on random
     * batches of two shapes, with the classic mistakes named.
     */
    public static boolean residualBlock(Block block) {
        Random r = cases();
        for (int k = 0; k < 2; k++) {
            int n = 2 + r.nextInt(2), c = 2 + r.nextInt(2), size = 5 + r.nextInt(3);
            Tensor x0 = random(r, n, c, size, size), k1 = random(r, c, c, 3, 3), k2 = random(r, c, c, 3, 3);
            String on = " (for x of shape [" + n + ", " + c + ", " + size + ", " + size + "])";
            ComputationalGraph cg = new ComputationalGraph();
            Connection x = cg.input("x"), a = cg.constant(k1, "k1"), b = cg.constant(k2, "k2");
            Outcome<Connection> built = attempt(() -> block.apply(cg, x, a, b));
            if (built.failed()) return fail(built.problem() + on);
            Connection y = built.value();
            if (y == null) return fail("your block returns null: return the connection of its output" + on);
            if (y == x) return fail("your block returns x unchanged: compute F(x) from the two convolutions and add the skip" + on);
            Outcome<Tensor> run = attempt(() -> new SimulationContext().forward(cg, Map.of(x, x0), y).value(y), "running your block: ");
            if (run.failed()) return fail(run.problem() + on);
            Tensor got = run.value();
            Map<String, Tensor> want = reference(x0, k1, k2);
            if (!Arrays.equals(got.shape(), x0.shape())) {
                return fail("your block's output has shape " + Compare.shape(got) + " but x has shape " + Compare.shape(x0)
                        + ": with 3×3 filters, which stride and padding keep the picture's size?" + on);
            }
            double[] g = got.toArray();
            Diff d = Compare.diff(g, want.get("y").toArray());
            if (d.same()) continue;
            if (same(g, want.get("relu(F)"))) {
                return fail("your block gives relu(F(x)): the skip is missing, so the block's output does not carry x" + on);
            }
            if (same(g, want.get("relu(F) + x"))) {
                return fail("your block applies the last relu before adding x; the skip joins first, then the relu follows" + on);
            }
            if (same(g, want.get("F + x"))) {
                return fail("your block's output can be negative: the block ends with a relu after the addition" + on);
            }
            if (same(g, want.get("relu(G + x)"))) {
                return fail("F needs a relu between its two convolutions: without it, two convolutions are just one" + on);
            }
            if (same(g, want.get("swapped"))) {
                return fail("your convolutions use the filters in the wrong order: k1 comes first" + on);
            }
            return fail("your block: " + d.describe(Where.flat(x0.shape())) + on);
        }
        return pass("your residual block computes relu(F(x) + x) on batches of two shapes");
    }

    /** The right block and the classic wrong ones, by name. */
    private static Map<String, Tensor> reference(Tensor x0, Tensor k1, Tensor k2) {
        ComputationalGraph cg = new ComputationalGraph();
        Connection x = cg.constant(x0), a = cg.constant(k1), b = cg.constant(k2);
        BiFunction<Connection, Connection, Connection> conv = (in, k) -> cg.conv2d(in, k, 1, 1);
        Connection f = conv.apply(cg.relu(conv.apply(x, a)), b);
        Connection y = cg.relu(cg.sum(f, x)), noSkip = cg.relu(f), reluFirst = cg.sum(cg.relu(f), x), noLast = cg.sum(f, x);
        Connection linear = cg.relu(cg.sum(conv.apply(conv.apply(x, a), b), x));
        Connection swapped = cg.relu(cg.sum(conv.apply(cg.relu(conv.apply(x, b)), a), x));
        SimulationContext ctx = new SimulationContext().forward(cg);
        return Map.of("y", ctx.value(y), "relu(F)", ctx.value(noSkip), "relu(F) + x", ctx.value(reluFirst), "F + x", ctx.value(noLast),
                "relu(G + x)", ctx.value(linear), "swapped", ctx.value(swapped));
    }

    private static boolean same(double[] got, Tensor t) {
        return Compare.diff(got, t.toArray()).same();
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(shape);
        double[] v = t.data();
        for (int i = 0; i < v.length; i++) v[i] = Math.round(r.nextGaussian() * 1000) / 1000.0;
        return t;
    }
}
