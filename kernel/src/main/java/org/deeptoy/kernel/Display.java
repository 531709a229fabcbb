package org.deeptoy.kernel;

import java.util.UUID;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.kernel.render.GraphSvg;

/**
 * {@code display(obj)} and {@code updateDisplay(id, obj)} for notebook cells (statically imported
 * at start). Outside a running cell (e.g. in unit tests) they render but send nothing.
 */
public final class Display {
    private static volatile BaseKernel kernel;

    private Display() {
    }

    static void bind(BaseKernel k) {
        kernel = k;
    }

    /** Shows {@code obj} below the cell with its richest rendering; returns an id for updates. */
    public static String display(Object obj) {
        String id = UUID.randomUUID().toString();
        DisplayData data = render(obj);
        data.setDisplayId(id);
        BaseKernel k = kernel;
        if (k != null) {
            k.getIO().display.display(data);
        }
        return id;
    }

    /**
     * Shows the picture of a graph with the values of the context's last forward pass and, after
     * backward, the gradients; returns an id for {@link #updateDisplay}.
     */
    public static String show(ComputationalGraph cg, SimulationContext ctx) {
        return display(graph(cg, ctx));
    }

    /** The MIME bundle of a graph drawn with a context's values (SVG, and text/plain). */
    static DisplayData graph(ComputationalGraph cg, SimulationContext ctx) {
        DisplayData data = new DisplayData(cg.toString());
        data.putSVG(GraphSvg.render(cg, ctx));
        return data;
    }

    /** Replaces the output shown by {@link #display} under {@code id} with {@code obj}. */
    public static void updateDisplay(String id, Object obj) {
        DisplayData data = render(obj);
        BaseKernel k = kernel;
        if (k != null) {
            k.getIO().display.updateDisplay(id, data);
        }
    }

    /**
     * Clears the cell's output; with {@code wait} the clearing happens when the next output arrives,
     * which avoids flicker in loops that redraw.
     */
    public static void clearOutput(boolean wait) {
        Protocol.clearOutput(wait);
    }

    /** The MIME bundle of {@code obj}, always with text/plain. */
    public static DisplayData render(Object obj) {
        BaseKernel k = kernel;
        if (obj instanceof DisplayData) {
            return new DisplayData((DisplayData) obj);
        }
        if (k == null || obj == null) {
            // basekernel's renderer throws on null; a student's unfinished `return null` must show as null
            return new DisplayData(String.valueOf(obj));
        }
        return k.getRenderer().render(obj);
    }
}
