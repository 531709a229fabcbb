package org.deeptoy.kernel.render;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.tensor.Tensor;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pays the renderers' one-time start-up costs (measured here: ELK about 0.7 s, Tablesaw 0.4 s,
 * AWT and XChart 0.2 s) so a student's first picture appears at once. Call it from a background
 * thread when the kernel starts.
 */
public final class WarmUp {
    private WarmUp() {}

    private static final CountDownLatch TABLESAW = new CountDownLatch(1);

    public static void all() {
        try {
            TensorHtml.render(Tensor.zeros(2, 2));
        } finally {
            TABLESAW.countDown();
        }
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.constant(1), cg.constant(2));
        GraphPng.paint(GraphSvg.layout(cg, null)); // the SVG writer is trivial next to the layout and the PNG
        Charts.warmUp();
        Images.grid(Tensor.zeros(1, 2, 2), 1, new String[]{"0"});
    }

    /**
     * Waits (at most 20 s) until the warm-up has initialised Tablesaw. A cell that loads Iris
     * initialises Tablesaw's CsvReader; if that ran while the warm-up initialised Table, the two
     * class initialisers would wait on each other forever. Tablesaw goes first in {@link #all}, so
     * the wait is over before JShell's own warm-up is.
     */
    public static void awaitTablesaw() {
        try {
            TABLESAW.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
