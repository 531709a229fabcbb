package org.deeptoy.kernel.display;

/**
 * What {@code display(obj)} returns: the id of the output it showed, for updating it in place with
 * {@link #update} or {@code updateDisplay(handle, obj)}. A handle as a cell's last value shows
 * nothing, so {@code display(x)} on the last line shows {@code x} once and no {@code Out[n]}.
 */
public final class DisplayHandle {
    private final String id;
    private final DisplayOutput output;

    DisplayHandle(String id, DisplayOutput output) {
        this.id = id;
        this.output = output;
    }

    /** The Jupyter display id. */
    public String id() {
        return id;
    }

    /** Replaces the shown output with {@code obj}. */
    public void update(Object obj) {
        output.updateDisplay(id, obj);
    }

    @Override
    public String toString() {
        return id;
    }
}
