package org.deeptoy.kernel.display;

import java.util.UUID;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.publish.PublishClearOutput;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;
import org.deeptoy.kernel.wire.CellOutput;

/**
 * One kernel's displays: values rendered by its renderers and sent to the cell's output, in order
 * with the cell's printed text. Behind {@code display(obj)}, {@code updateDisplay} and
 * {@code clearOutput}; without a kernel (unit tests) values render as text and nothing is sent.
 */
public final class DisplayOutput {
    /** Longest text/plain shown for one value; more would make the notebook unusable. */
    static final int MAX_TEXT = 100_000;

    private final Renderer renderer;
    private final CellOutput output;

    /** Renders with {@code renderer} (as text when null) and sends to {@code output} (nothing when null). */
    public DisplayOutput(Renderer renderer, CellOutput output) {
        this.renderer = renderer;
        this.output = output;
    }

    /** Renders as text and sends nothing: a JVM without a kernel. */
    public static DisplayOutput none() {
        return new DisplayOutput(null, null);
    }

    /**
     * Shows {@code obj} below the cell with its richest rendering; returns a handle for updates
     * (as a cell's last value, the handle itself shows nothing).
     */
    public DisplayHandle display(Object obj) {
        String id = UUID.randomUUID().toString();
        DisplayData data = render(obj);
        data.setDisplayId(id);
        if (output != null) {
            output.publish(new PublishDisplayData(data));
        }
        return new DisplayHandle(id, this);
    }

    /** Replaces the output shown by {@link #display} under {@code id} with {@code obj}. */
    public void updateDisplay(String id, Object obj) {
        DisplayData data = render(obj);
        data.setDisplayId(id);
        if (output != null) {
            output.publish(new PublishUpdateDisplayData(data));
        }
    }

    /**
     * Clears the cell's output; with {@code wait} the clearing happens when the next output arrives,
     * which avoids flicker in loops that redraw.
     */
    public void clearOutput(boolean wait) {
        if (output != null) {
            output.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
        }
    }

    /** The MIME bundle of {@code obj}, always with text/plain. */
    public DisplayData render(Object obj) {
        if (obj instanceof DisplayData) {
            return new DisplayData((DisplayData) obj);
        }
        if (renderer == null || obj == null) {
            // basekernel's renderer throws on null; a student's unfinished `return null` must show as null
            return new DisplayData(String.valueOf(obj));
        }
        DisplayData data = renderer.render(obj);
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
}
