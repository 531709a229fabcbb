package org.deeptoy.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

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
    private static volatile Function<Object, Object> renderer;
    private static volatile Object rendered;
    private static volatile Throwable renderError;
    private static volatile BiConsumer<Thread, Throwable> threadFailures;

    /**
     * Cells run in threads of this group, and so do the threads they start: their uncaught
     * exceptions are shown in the notebook (JShell's own group drops them), and JShell, which waits
     * for every thread of its group, does not wait for a thread an earlier cell left running.
     */
    private static final ThreadGroup CELLS = new ThreadGroup("deeptoy-cells") {
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

    /** The engine of the current JShell (each JShell makes its own). */
    private static volatile LiveExecutionControl current;

    LiveExecutionControl() {
        current = this;
    }

    /** The live value of a notebook variable: a static field of its snippet's wrapper class. */
    static Object variable(String className, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = current.findClass(className).getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    static void setVariable(String className, String name, Object value) throws ReflectiveOperationException {
        java.lang.reflect.Field f = current.findClass(className).getDeclaredField(name);
        f.setAccessible(true);
        f.set(null, value);
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

    /** Snippet classes are loaded with their exit calls rewritten (see ExitRewriter). */
    @Override
    public void load(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.load(ExitRewriter.rewriteAll(classes));
    }

    @Override
    public void redefine(ClassBytecodes[] classes)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        super.redefine(ExitRewriter.rewriteAll(classes));
    }

    /**
     * Runs the snippet in a thread of DeepToy's own group (see {@link #CELLS}) and returns no
     * value string: JShell would compute it with {@code toString()} on the kernel's shell thread,
     * where an endless {@code toString} could not be interrupted. The value is rendered in the
     * snippet's thread instead, when {@link #renderNext} asked for it.
     */
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        pending = doitMethod;
        lastValue = null;
        rendered = null;
        renderError = null;
        return super.invoke(CAPTURE);
    }

    @SuppressWarnings("unused") // invoked reflectively by invoke()
    private static Object capture() throws Throwable {
        Method doit = pending;
        Function<Object, Object> render = renderer;
        renderer = null;
        Throwable[] failure = new Throwable[1];
        Thread cell = new Thread(CELLS, () -> {
            running = Thread.currentThread();
            try {
                if (cancelled) {
                    return; // interrupted while this snippet compiled: the cell ends without running it
                }
                Supplier<? extends TrainingListener> lent = display;
                Object value = lent == null ? doit.invoke(null) : LiveDisplay.during(lent, () -> doit.invoke(null));
                lastValue = value;
                if (render != null) {
                    try {
                        rendered = render.apply(value);
                    } catch (ThreadDeath td) {
                        throw td;
                    } catch (Throwable t) {
                        renderError = t;
                    }
                }
            } catch (InvocationTargetException e) {
                failure[0] = readable(e.getCause());
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                running = null;
            }
        }, "deeptoy-cell");
        cell.setContextClassLoader(doit.getDeclaringClass().getClassLoader()); // as JShell's own thread has
        cell.start();
        // JShell's stop() interrupts this thread on newer JDKs: the cell still ends only when its
        // thread does (Evaluator.stop takes care of that), as when the code ran here
        boolean interrupted = false;
        while (cell.isAlive()) {
            try {
                cell.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.interrupted();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return null;
    }

    /**
     * JShell reads an exception's message on the kernel's shell thread, where a getMessage() that
     * loops could not be interrupted: read it here first (an endless one obeys Kernel > Interrupt),
     * and replace an exception whose getMessage() throws by one that says so.
     */
    private static Throwable readable(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 20; t = t.getCause(), depth++) {
            try {
                t.getMessage();
                t.getLocalizedMessage();
            } catch (ThreadDeath td) {
                throw td;
            } catch (Throwable broken) {
                RuntimeException replaced = new RuntimeException("a " + t.getClass().getName()
                        + " was thrown, but its getMessage() threw " + broken.getClass().getName());
                replaced.setStackTrace(e.getStackTrace());
                return replaced;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e;
    }

    /** The rendering of the last value, when asked for with {@link #renderNext}. */
    static Object rendered() {
        return rendered;
    }

    /** What rendering the last value threw, or null. */
    static Throwable renderError() {
        return renderError;
    }

    /** The next snippet's value is passed to {@code render} in the snippet's thread. */
    static void renderNext(Function<Object, Object> render) {
        renderer = render;
    }

    /** Where exceptions of threads a cell started are reported (thread, exception). */
    static void onThreadFailure(BiConsumer<Thread, Throwable> report) {
        threadFailures = report;
    }

    /**
     * Stops a cell thread that ignored interruption: Thread.stop where the JDK still has it (up to
     * 19); on later JDKs JShell's own stop() ends it at the next loop or call in snippet code.
     */
    @SuppressWarnings({"deprecation", "removal"})
    static void forceStop(Thread t) {
        try {
            t.stop();
        } catch (UnsupportedOperationException | SecurityException e) {
            // JDK 20+: JShell.stop() does it
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
