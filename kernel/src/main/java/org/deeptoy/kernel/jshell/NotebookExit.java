package org.deeptoy.kernel.jshell;

/**
 * What {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} become in a notebook:
 * {@link ExitRewriter} points those calls in snippet classes here, so a cell (or a thread or lambda
 * it started) gets an exception instead of ending the kernel. Public: snippet classes call it.
 */
public final class NotebookExit {
    private NotebookExit() {
    }

    /** Replaces {@code System.exit(status)}. */
    public static void exit(int status) {
        throw disabled("System.exit(" + status + ")");
    }

    /** Replaces {@code runtime.exit(status)}. */
    public static void exit(Runtime runtime, int status) {
        throw disabled("Runtime.exit(" + status + ")");
    }

    /** Replaces {@code runtime.halt(status)}. */
    public static void halt(Runtime runtime, int status) {
        throw disabled("Runtime.halt(" + status + ")");
    }

    private static UnsupportedOperationException disabled(String call) {
        return new UnsupportedOperationException(call + " is disabled in a notebook; the kernel keeps running "
                + "(Kernel > Restart starts over)");
    }
}
