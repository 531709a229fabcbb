package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The JShell a notebook's cells run in, over its life: made with the notebook's imports, rebuilt
 * (variables carried) when worn or broken, grown by %maven and %classpath, closed with the kernel.
 * A rebuild replaces the JShell, so the other parts ask for {@link #shell()} each time they need it.
 */
public final class NotebookShell implements AutoCloseable {
    /**
     * The engine's packages, which every notebook sees without imports (the kernel adds its display
     * API); missing ones (not built yet) are skipped.
     */
    public static final List<String> ENGINE_IMPORTS = List.of(
            "java.util.*",
            "org.deeptoy.tensor.*", "org.deeptoy.graph.*", "org.deeptoy.ops.*", "org.deeptoy.check.*", "org.deeptoy.course.*",
            "org.deeptoy.data.*", "org.deeptoy.nn.*", "org.deeptoy.optim.*");

    private volatile JShell shell;
    private volatile SourceCodeAnalysis analysis;
    private int recycled;
    /** Jars and folders added by %maven and %classpath, for a rebuilt session. */
    private final List<String> classpath = new ArrayList<>();

    /** The kernel's state this shell's cells share (their engine, value, thread). */
    private final KernelSession session;
    /** What every JShell of this notebook imports at its start (import statements without "import"). */
    private final List<String> imports;

    /** A shell of its own, outside a kernel, with the engine's imports. */
    NotebookShell() {
        this(new KernelSession(), ENGINE_IMPORTS);
    }

    public NotebookShell(KernelSession session, List<String> imports) {
        this.session = session;
        this.imports = List.copyOf(imports);
        JavadocSources.install();
        shell = newShell();
        analysis = shell.sourceCodeAnalysis();
        session.onThreadFailure(SnippetErrors::reportThreadFailure);
    }

    KernelSession session() {
        return session;
    }

    /** The current JShell (a rebuild replaces it). */
    JShell shell() {
        return shell;
    }

    SourceCodeAnalysis analysis() {
        return analysis;
    }

    private JShell newShell() {
        // JShell's loader makes itself the context class loader of the thread that creates it; every
        // thread started from there (the kernel's sockets) would keep an old session's classes alive
        Thread me = Thread.currentThread();
        ClassLoader context = me.getContextClassLoader();
        try {
            String runtime = System.getProperty("java.class.path");
            String compile = CompileJar.beside(runtime);
            JShell.Builder b = JShell.builder()
                    .executionEngine(new LiveExecutionControl.Provider(session), Map.of());
            if (!compile.equals(runtime)) {
                // cells compile against the API jar install.sh made, and run against the kernel jar
                b.fileManager(standard -> new CompileFileManager(standard, runtime, compile));
            }
            JShell s = b.build();
            s.addToClasspath(runtime);
            for (String imp : imports) {
                s.eval("import " + imp + ";");
            }
            return s;
        } finally {
            me.setContextClassLoader(context);
        }
    }

    /**
     * Snippets replaced or dropped (a re-run cell replaces its own) after which the session is
     * rebuilt: JShell keeps every snippet it ever saw and the classes of each stay loaded, so a
     * notebook re-run again and again grows (heap, classes) and slows down (each snippet is
     * checked against all). Measured with bench/kernel-memory.sh.
     */
    static final int RECYCLE_AFTER_DEAD_SNIPPETS = 400;

    /**
     * Between cells: moves into a fresh JShell when many replaced snippets pile up and all
     * variables can be carried without running the student's code again.
     *
     * @return true if the session was rebuilt
     */
    public boolean recycleIfWorn() {
        long dead = shell.snippets().filter(s -> !shell.status(s).isActive()).count();
        if (dead < RECYCLE_AFTER_DEAD_SNIPPETS || !SessionRebuild.safeToRebuild(session, shell)) {
            return false;
        }
        rebuild();
        recycled++;
        return true;
    }

    /** How often {@link #recycleIfWorn} rebuilt the session (for tests). */
    int recycled() {
        return recycled;
    }

    /**
     * Replaces JShell by a fresh one holding the same imports, declarations and variables (see
     * {@link SessionRebuild}); returns what to tell the student.
     */
    List<String> rebuild() {
        SessionRebuild.Result r = SessionRebuild.rebuild(session, shell, () -> {
            JShell s = newShell();
            classpath.forEach(s::addToClasspath);
            return s;
        });
        shell = r.shell();
        analysis = shell.sourceCodeAnalysis();
        List<String> lines = new ArrayList<>();
        lines.add("The kernel moved your notebook into a fresh Java session: " + r.carried()
                + " variables were carried over with their values.");
        if (!r.rerun().isEmpty()) {
            lines.add("These were declared again by running their line once more (their class is defined in the "
                    + "notebook): " + String.join(", ", r.rerun()));
        }
        if (!r.lost().isEmpty()) {
            lines.add("These could not be restored; run the cells that define them again: "
                    + String.join(", ", r.lost()));
        }
        return lines;
    }

    /** Adds a jar or folder to the classes cells can use (compiler and running code). */
    void addToClasspath(String path) {
        shell.addToClasspath(path);
        classpath.add(path);
    }

    /** A variable of the notebook: name, declared type and live value. */
    record Variable(String name, String type, Object value) {
    }

    /** The notebook's variables (not JShell's $1, $2 for values of expressions), in declaration order. */
    List<Variable> variables() {
        List<Variable> vars = new ArrayList<>();
        Map<jdk.jshell.VarSnippet, Object> values = SessionRebuild.values(session, shell);
        shell.variables().filter(v -> shell.status(v) == Snippet.Status.VALID && !v.name().startsWith("$"))
                .forEach(v -> vars.add(new Variable(v.name(), v.typeName(), values.get(v))));
        return vars;
    }

    /** Compiles and runs a trivial snippet and analysis so the first real cell is fast. */
    public void warmUp() {
        shell.eval("int $warmUp = 1 + 1;");
        analysis.analyzeCompletion("var x = 1;");
        analysis.completionSuggestions("Ten", 3, new int[1]);
    }

    @Override
    public void close() {
        shell.close();
    }
}
