package org.deeptoy.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.SimulationContext;
import org.deeptoy.kernel.display.DisplayHandle;
import org.deeptoy.kernel.display.DisplayOutput;
import org.deeptoy.kernel.display.GraphView;

/**
 * {@code display(obj)}, {@code show(cg, ctx)}, {@code updateDisplay(id, obj)} and
 * {@code clearOutput(wait)} for notebook cells (statically imported at start). Cells cannot be
 * handed an object, so this is the kernel's single static entry point: the {@link DisplayOutput}
 * the kernel installs. Outside a kernel (e.g. in unit tests) values render as text and nothing is sent.
 */
public final class Display {
    private static volatile DisplayOutput current = DisplayOutput.none();

    private Display() {
    }

    /** Makes {@code output} the one cells' displays go to. */
    static void install(DisplayOutput output) {
        current = output;
    }

    /**
     * Shows {@code obj} below the cell with its richest rendering; returns a handle for updates
     * (as a cell's last value, the handle itself shows nothing).
     */
    public static DisplayHandle display(Object obj) {
        return current.display(obj);
    }

    /**
     * Shows the graph's picture with the values of {@code ctx}'s last forward pass and, after
     * {@code ctx.backward(...)}, the gradients: small tensors in full, big ones as shape and range.
     */
    public static DisplayHandle show(ComputationalGraph cg, SimulationContext ctx) {
        return display(view(cg, ctx));
    }

    /** The graph seen through {@code ctx}, for a cell's last line or {@code handle.update(...)}. */
    public static GraphView view(ComputationalGraph cg, SimulationContext ctx) {
        return new GraphView(cg, ctx);
    }

    /** Replaces the output shown by {@link #display} under {@code handle} with {@code obj}. */
    public static void updateDisplay(DisplayHandle handle, Object obj) {
        updateDisplay(handle.id(), obj);
    }

    /** Replaces the output shown by {@link #display} under {@code id} with {@code obj}. */
    public static void updateDisplay(String id, Object obj) {
        current.updateDisplay(id, obj);
    }

    /**
     * Clears the cell's output; with {@code wait} the clearing happens when the next output arrives,
     * which avoids flicker in loops that redraw.
     */
    public static void clearOutput(boolean wait) {
        current.clearOutput(wait);
    }

    /** The MIME bundle of {@code obj}, always with text/plain. */
    public static DisplayData render(Object obj) {
        return current.render(obj);
    }
}
