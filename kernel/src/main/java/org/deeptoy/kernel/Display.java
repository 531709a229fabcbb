package org.deeptoy.kernel;

import java.util.UUID;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.publish.PublishClearOutput;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;
import org.deeptoy.graph.ComputationalGraph;
import org.deeptoy.graph.SimulationContext;

/**
 * {@code display(obj)} and {@code updateDisplay(id, obj)} for notebook cells (statically imported
 * at start). They reach the kernel through {@link KernelSession#current()}, the kernel's single
 * static entry point; outside a kernel (e.g. in unit tests) they render but send nothing.
 */
public final class Display {
    private Display() {
    }

    /** Where displays go, in order with the cell's printed text; null outside a kernel. */
    private static CellOutput output() {
        KernelSession s = KernelSession.current();
        return s == null ? null : s.output();
    }

    /**
     * Shows {@code obj} below the cell with its richest rendering; returns a handle for updates
     * (as a cell's last value, the handle itself shows nothing).
     */
    public static DisplayHandle display(Object obj) {
        String id = UUID.randomUUID().toString();
        DisplayData data = render(obj);
        data.setDisplayId(id);
        CellOutput out = output();
        if (out != null) {
            out.publish(new PublishDisplayData(data));
        }
        return new DisplayHandle(id);
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
        DisplayData data = render(obj);
        data.setDisplayId(id);
        CellOutput out = output();
        if (out != null) {
            out.publish(new PublishUpdateDisplayData(data));
        }
    }

    /**
     * Clears the cell's output; with {@code wait} the clearing happens when the next output arrives,
     * which avoids flicker in loops that redraw.
     */
    public static void clearOutput(boolean wait) {
        CellOutput out = output();
        if (out != null) {
            out.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    /** The MIME bundle of {@code obj}, always with text/plain. */
    public static DisplayData render(Object obj) {
        KernelSession s = KernelSession.current();
        return render(s == null ? null : s.kernel(), obj);
    }

    /** The MIME bundle of {@code obj} made by {@code k}'s renderers (as text if k is null). */
    static DisplayData render(BaseKernel k, Object obj) {
        if (obj instanceof DisplayData) {
            return new DisplayData((DisplayData) obj);
        }
        if (k == null || obj == null) {
            // basekernel's renderer throws on null; a student's unfinished `return null` must show as null
            return new DisplayData(String.valueOf(obj));
        }
        DisplayData data = k.getRenderer().render(obj);
        Object text = data.getData(MIMEType.TEXT_PLAIN);
        if (text == null) {
            data.putText("null"); // a toString() that returns null
        } else if (text.toString().length() > MAX_TEXT) {
            String s = text.toString();
            data.putText(s.substring(0, MAX_TEXT) + "\n… " + CellOutput.size(s.length() - MAX_TEXT)
                    + " more not shown (the value's text is " + CellOutput.size(s.length()) + ")");
        }
        return data;
    }

    /** Longest text/plain shown for one value; more would make the notebook unusable. */
    static final int MAX_TEXT = 100_000;
}
