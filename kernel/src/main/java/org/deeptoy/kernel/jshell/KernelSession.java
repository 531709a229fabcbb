package org.deeptoy.kernel.jshell;

import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.deeptoy.nn.TrainingListener;

/**
 * The state one kernel's cells share: the engine running them and what the running snippet leaves
 * for the kernel (its thread, and its value with that value's rendering). Made by the kernel and passed
 * through constructors to the {@link NotebookShell}, the {@link Evaluator} and JShell's engine ({@link LiveExecutionControl}).
 */
public final class KernelSession {
    /** The engine of the current JShell (each JShell makes its own; a rebuilt session has a new one). */
    private volatile LiveExecutionControl engine;
    /** The thread running the current snippet's code, or null between snippets. */
    private volatile Thread running;
    /** Set when the cell was interrupted: snippets compiled after that do not start. */
    private volatile boolean cancelled;
    private volatile Function<Object, Object> renderer;
    /**
     * What the last snippet's code returned, left by its thread (JShell's engine hands the kernel
     * only a string), or null.
     */
    private volatile SnippetValue value;
    private volatile BiConsumer<Thread, Throwable> threadFailures;
    /** The live training display lent to every cell's code (see {@link org.deeptoy.nn.LiveDisplay}), or null. */
    private volatile Supplier<? extends TrainingListener> display;
    /** How many fits of cells are running: an interrupt gives training a longer grace. */
    private final java.util.concurrent.atomic.AtomicInteger fits = new java.util.concurrent.atomic.AtomicInteger();
    /** Lent to every cell's code with the display: hears every fit, whatever its options. */
    private final TrainingListener fitWatch = new TrainingListener() {
        @Override
        public void trainingStarted(Progress p) {
            fits.incrementAndGet();
        }

        @Override
        public void trainingEnded(org.deeptoy.nn.History h) {
            fits.decrementAndGet();
        }
    };

    /**
     * Cells run in threads of this group, and so do the threads they start: their uncaught
     * exceptions are shown in the notebook (JShell's own group drops them), and JShell, which waits
     * for every thread of its group, does not wait for a thread an earlier cell left running.
     */
    private final ThreadGroup cells = new ThreadGroup("deeptoy-cells") {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
            BiConsumer<Thread, Throwable> report = threadFailures;
            if (e instanceof ThreadDeath) {
                return; // stopped by Kernel > Interrupt
            }
            if (report != null) {
                report.accept(t, e);
            } else {
                super.uncaughtException(t, e);
            }
        }
    };

    public KernelSession() {
    }

    void engine(LiveExecutionControl e) {
        engine = e;
    }

    LiveExecutionControl engine() {
        return engine;
    }

    ThreadGroup cells() {
        return cells;
    }

    /** The thread running student code right now, or null. */
    Thread running() {
        return running;
    }

    void running(Thread t) {
        running = t;
    }

    /**
     * Cancels (true) or re-allows (false) running snippets. Set before reading {@link #running()}:
     * a snippet starting at the same time then either sees the flag or is seen running.
     */
    void cancel(boolean on) {
        cancelled = on;
    }

    boolean cancelled() {
        return cancelled;
    }

    /** The next snippet's value is passed to {@code render} in the snippet's thread. */
    void renderNext(Function<Object, Object> render) {
        renderer = render;
    }

    /** The renderer asked for by {@link #renderNext}, taken once by the snippet that runs next. */
    Function<Object, Object> takeRenderer() {
        Function<Object, Object> r = renderer;
        renderer = null;
        return r;
    }

    /**
     * A snippet's value and, when {@link #renderNext} asked for it, its rendering or what rendering
     * it threw (null when it did not throw).
     */
    record SnippetValue(Object value, Object shown, Throwable renderError) {
    }

    /** Forgets the last snippet's value: the next snippet's is not known yet. */
    void clearValue() {
        value = null;
    }

    void value(SnippetValue v) {
        value = v;
    }

    /** The last snippet's value, or null if its code returned nothing (a declaration) or did not run. */
    SnippetValue value() {
        return value;
    }

    /** Where exceptions of threads a cell started are reported (thread, exception). */
    void onThreadFailure(BiConsumer<Thread, Throwable> report) {
        threadFailures = report;
    }

    /** Lends {@code factory} as the live display of every fit that a cell runs. */
    public void lendDisplay(Supplier<? extends TrainingListener> factory) {
        display = factory;
    }

    Supplier<? extends TrainingListener> lentDisplay() {
        return display;
    }

    TrainingListener fitWatch() {
        return fitWatch;
    }

    /** Whether a cell's {@code fit} is running now (it stops cleanly between batches when interrupted). */
    boolean training() {
        return fits.get() > 0;
    }
}
