package org.deeptoy.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

import java.util.function.Supplier;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.deeptoy.nn.LiveDisplay;
import org.deeptoy.nn.TrainingListener;

/**
 * JShell's local execution engine that also keeps the live value of the last expression, so
 * renderers receive the object itself rather than its {@code toString}. JShell's
 * {@code invoke} only returns a string; it is routed through {@link #capture()} to see the object
 * while keeping the engine's thread handling and its {@code stop()} for busy loops.
 */
final class LiveExecutionControl extends LocalExecutionControl {
    private static Method pending;
    private static Object lastValue;
    /** The thread running the current snippet's code, or null between snippets. */
    private static volatile Thread running;
    /** Set when the cell was interrupted: snippets compiled after that do not start. */
    private static volatile boolean cancelled;
    private static final Method CAPTURE;
    /** The live training display lent to every cell's code (see {@link org.deeptoy.nn.LiveDisplay}), or null. */
    private static volatile Supplier<? extends TrainingListener> display;


    static {
        try {
            CAPTURE = LiveExecutionControl.class.getDeclaredMethod("capture");
            CAPTURE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Lends {@code factory} as the live display of every fit that a cell runs. */
    static void lendDisplay(Supplier<? extends TrainingListener> factory) {
        display = factory;
    }

    static Object lastValue() {
        return lastValue;
    }

    static void clearLastValue() {
        lastValue = null;
    }

    /**
     * Cancels (true) or re-allows (false) running snippets. Set before reading {@link #running()}:
     * a snippet starting at the same time then either sees the flag or is seen running.
     */
    static void cancel(boolean on) {
        cancelled = on;
    }

    /** The thread running student code right now, or null. */
    static Thread running() {
        return running;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        pending = doitMethod;
        lastValue = null;
        return super.invoke(CAPTURE);
    }

    @SuppressWarnings("unused") // invoked reflectively by invoke()
    private static Object capture() throws Throwable {
        running = Thread.currentThread();
        try {
            if (cancelled) {
                return null; // interrupted while this snippet compiled: the cell ends without running it
            }
            Supplier<? extends TrainingListener> lent = display;
            Object value = lent == null ? pending.invoke(null) : LiveDisplay.during(lent, () -> pending.invoke(null));
            lastValue = value;
            return value;
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            running = null;
        }
    }

    static final class Provider implements ExecutionControlProvider {
        @Override
        public String name() {
            return "deeptoy-live";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new LiveExecutionControl();
        }
    }
}
