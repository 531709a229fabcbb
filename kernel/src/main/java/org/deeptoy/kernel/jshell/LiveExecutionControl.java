package org.deeptoy.kernel.jshell;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Function;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.deeptoy.nn.LiveDisplay;

/**
 * JShell's local execution engine that also keeps the live value of the last expression, so
 * renderers receive the object itself rather than its {@code toString}. JShell's
 * {@code invoke} only returns a string; it is routed through {@link #capture()} to see the object
 * (kept in the {@link KernelSession}) while keeping the engine's thread handling and its {@code stop()} for busy loops.
 */
final class LiveExecutionControl extends LocalExecutionControl {
    /**
     * The engine whose {@code invoke} is under way, for {@link #capture()}: JShell runs the method it
     * is handed with {@code invoke(null)} in a thread it starts from the invoking one, so a static,
     * argument-less method is the only entry and this per-invocation value (inherited by that thread,
     * not kernel-wide state) leads it back to the instance.
     */
    private static final InheritableThreadLocal<LiveExecutionControl> INVOKING = new InheritableThreadLocal<>();
    private static final Method CAPTURE;

    static {
        try {
            CAPTURE = LiveExecutionControl.class.getDeclaredMethod("capture");
            CAPTURE.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final KernelSession session;
    /** The snippet's method that {@link #invoke} hands on to {@link #run}. */
    private Method pending;

    LiveExecutionControl(KernelSession session) {
        this.session = session;
        session.engine(this);
    }

    /** The live value of a notebook variable: a static field of its snippet's wrapper class. */
    Object variable(String className, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = findClass(className).getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }

    void setVariable(String className, String name, Object value) throws ReflectiveOperationException {
        java.lang.reflect.Field f = findClass(className).getDeclaredField(name);
        f.setAccessible(true);
        f.set(null, value);
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
     * Runs the snippet in a thread of DeepToy's own group (see {@link KernelSession#cells}) and returns no
     * value string: JShell would compute it with {@code toString()} on the kernel's shell thread,
     * where an endless {@code toString} could not be interrupted. The value is rendered in the
     * snippet's thread instead, when {@link KernelSession#renderNext} asked for it.
     */
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        pending = doitMethod;
        session.clearValue();
        INVOKING.set(this);
        try {
            return super.invoke(CAPTURE);
        } finally {
            INVOKING.remove();
        }
    }

    @SuppressWarnings("unused") // invoked reflectively by invoke(), in JShell's snippet thread
    private static Object capture() throws Throwable {
        LiveExecutionControl engine = INVOKING.get();
        INVOKING.remove(); // threads the cell starts need not keep the engine
        return engine.run();
    }

    /** Runs the pending snippet in a cell thread, keeping its value (and rendering) in the session. */
    private Object run() throws Throwable {
        Method doit = pending;
        Function<Object, Object> render = session.takeRenderer();
        Throwable[] failure = new Throwable[1];
        Thread cell = new Thread(session.cells(), () -> {
            session.running(Thread.currentThread());
            try {
                if (session.cancelled()) {
                    return; // interrupted while this snippet compiled: the cell ends without running it
                }
                Object value = LiveDisplay.during(session.lentDisplay(), session.fitWatch(), () -> doit.invoke(null));
                Object shown = null;
                Throwable renderError = null;
                if (render != null) {
                    try {
                        shown = render.apply(value);
                    } catch (ThreadDeath td) {
                        throw td;
                    } catch (Throwable t) {
                        renderError = t;
                    }
                }
                session.value(new KernelSession.SnippetValue(value, shown, renderError));
            } catch (InvocationTargetException e) {
                failure[0] = readable(e.getCause());
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                session.running(null);
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

    /** Makes the engine of each JShell built with it, for {@code session}. */
    static final class Provider implements ExecutionControlProvider {
        private final KernelSession session;

        Provider(KernelSession session) {
            this.session = session;
        }

        @Override
        public String name() {
            return "deeptoy-live";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return new LiveExecutionControl(session);
        }
    }
}
