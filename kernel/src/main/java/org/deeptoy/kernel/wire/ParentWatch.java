package org.deeptoy.kernel.wire;

import java.io.PrintStream;

/**
 * Ends the kernel when the process that started it is gone, as ipykernel does: Jupyter sets
 * {@code JPY_PARENT_PID} for the kernels it starts, and a kernel whose notebook server died (killed,
 * crashed) would otherwise run for ever, holding its memory and, in an endless cell, a core. The
 * launcher execs the JVM, so the server is the JVM's parent; when it dies the JVM is handed to
 * another parent (init or a subreaper), which is what is watched for.
 */
public final class ParentWatch {
    static final long POLL_MS = 1000;

    private ParentWatch() {
    }

    /** Starts watching if {@code JPY_PARENT_PID} is set; returns whether it did. */
    public static boolean start(String jpyParentPid, PrintStream log) {
        if (jpyParentPid == null || !jpyParentPid.matches("\\d+")) {
            return false;
        }
        long parent = parent();
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
                if (parent() != parent) {
                    log.println("DeepToy kernel " + ProcessHandle.current().pid() + ": its parent process " + parent
                            + " (JPY_PARENT_PID " + jpyParentPid + ") is gone; the kernel exits");
                    log.flush();
                    Runtime.getRuntime().halt(1); // nothing may hold it: a cell may be in an endless loop
                }
            }
        }, "deeptoy-parent-watch");
        t.setDaemon(true);
        t.start();
        return true;
    }

    /** The JVM's parent process now (0 if it has none). */
    static long parent() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L);
    }
}
