package org.deeptoy.kernel.render;

import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.tensor.Tensor;

/**
 * Pays the renderers' one-time start-up costs (measured here: ELK about 0.7 s, Tablesaw 0.4 s,
 * AWT and XChart 0.2 s) so a student's first picture appears at once. Call it from a background
 * thread when the kernel starts.
 */
public final class WarmUp {
    private WarmUp() {}

    public static void all() {
        ComputationalGraph cg = new ComputationalGraph();
        cg.sum(cg.constant(1), cg.constant(2));
        GraphSvg.render(cg);
        TensorHtml.render(Tensor.zeros(2, 2));
        Charts.warmUp();
        Images.grid(Tensor.zeros(1, 2, 2), 1, new String[]{"0"});
    }
}
