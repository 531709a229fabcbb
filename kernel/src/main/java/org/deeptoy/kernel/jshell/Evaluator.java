package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs notebook cells on JShell's local engine: a cell is split into snippets, each compiled and run
 * in this JVM so results are live objects. Errors are reported in terms of the cell's lines.
 */
public final class Evaluator implements AutoCloseable {
    /** Returned by {@link #eval} when the cell's last snippet is not an expression. */
    public static final Object NO_VALUE = new Object();

    /**
     * The engine's packages, which every notebook sees without imports (the kernel adds its display
     * API); missing ones (not built yet) are skipped.
     */
    public static final List<String> ENGINE_IMPORTS = List.of(
            "java.util.*",
            "org.deeptoy.tensor.*", "org.deeptoy.graph.*", "org.deeptoy.ops.*", "org.deeptoy.check.*", "org.deeptoy.course.*",
            "org.deeptoy.data.*", "org.deeptoy.nn.*", "org.deeptoy.optim.*");

    private static final Set<Snippet.SubKind> VALUE_KINDS = Set.of(
            Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND, Snippet.SubKind.VAR_VALUE_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);

    private volatile JShell shell;
    private volatile SourceCodeAnalysis analysis;
    /** Snippet id to the cell line (1-based) where the snippet starts, for the current cell. */
    private final Map<String, Integer> snippetLines = new HashMap<>();
    /**
     * Declarations of the current cell that name something not defined yet; the cell ends with a
     * note for those still waiting (a later snippet of the same cell may define what they need).
     */
    private final List<Snippet> waiting = new ArrayList<>();
    /** How long a snippet may take to honour Thread.interrupt before JShell stops it by force. */
    private static final long STOP_GRACE_MS = 300;
    /** DeepToy's fit checks for interruption between batches; a big batch may take a while. */
    private static final long TRAINING_GRACE_MS = 5000;
    /** JShell failed a snippet in a way that fails every later one ("too many constants"). */
    private boolean broken;
    /** Set by {@link #stop}; the running cell ends with an "Interrupted" error. */
    private volatile boolean interrupted;
    private Function<Object, Object> renderer;
    private Object rendered;
    private int recycled;
    /** Jars and folders added by %maven and %classpath, for a rebuilt session. */
    private final List<String> classpath = new ArrayList<>();

    /** The kernel's state this evaluator's cells share (their engine, value, thread). */
    private final KernelSession session;
    /** What every session of this evaluator imports at its start (import statements without "import"). */
    private final List<String> imports;

    /** An evaluator of its own, outside a kernel, with the engine's imports: values render as text. */
    Evaluator() {
        this(new KernelSession(), ENGINE_IMPORTS);
    }

    public Evaluator(KernelSession session, List<String> imports) {
        this.session = session;
        this.imports = List.copyOf(imports);
        JavadocSources.install();
        shell = newShell();
        analysis = shell.sourceCodeAnalysis();
        session.onThreadFailure(Evaluator::reportThreadFailure);
    }

    KernelSession session() {
        return session;
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
        broken = false;
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

    /**
     * Runs a cell.
     *
     * @return the value of the last snippet if it is an expression, else {@link #NO_VALUE}
     * @throws CellException a compile or runtime error, formatted for the student
     */
    public Object eval(String cell) throws CellException {
        snippetLines.clear();
        waiting.clear();
        interrupted = false;
        rendered = null;
        session.cancel(false);
        List<Piece> pieces = split(cell);
        try {
            return evalPieces(cell, pieces);
        } catch (CellException e) {
            noteWaiting();
            if (!broken) {
                throw e;
            }
            List<String> lines = new ArrayList<>(e.lines());
            lines.add("");
            lines.add(ErrorFormat.bold("JShell could not compile anything after this snippet") + " (a known JShell "
                    + "limit: \"too many constants\").");
            lines.addAll(rebuild());
            throw new CellException(e.name(), e.getMessage(), lines);
        }
    }

    private Object evalPieces(String cell, List<Piece> pieces) throws CellException {
        Object value = NO_VALUE;
        for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            if (interrupted) {
                throw interruptedAt(cell, piece);
            }
            if (!piece.complete()) {
                throw incomplete(cell, piece, i == 0);
            }
            boolean last = i == pieces.size() - 1;
            value = evalPiece(cell, piece, last && !piece.statement() ? renderer : null);
        }
        noteWaiting();
        return value;
    }

    /** Says on stderr which of the cell's declarations still wait for something to be defined. */
    private void noteWaiting() {
        for (Snippet s : waiting) {
            Snippet.Status status = shell.status(s);
            if (status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                warnUnresolved(s);
            }
        }
        waiting.clear();
    }

    /**
     * How the cell's value is shown (run in the cell's thread, so Kernel > Interrupt reaches an
     * endless toString); {@link #rendered()} returns what it made for the last cell.
     */
    public void setRenderer(Function<Object, Object> render) {
        renderer = render;
    }

    /** The rendering of the last cell's value (see {@link #setRenderer}), or null. */
    public Object rendered() {
        return rendered;
    }

    private Object evalPiece(String cell, Piece piece, Function<Object, Object> render) throws CellException {
        session.clearLastValue();
        session.renderNext(render);
        // an import makes JShell recompile earlier declarations, which resets their variables
        boolean isImport = piece.source.startsWith("import ");
        Map<jdk.jshell.VarSnippet, Object> before = isImport ? SessionRebuild.values(session, shell) : Map.of();
        String meantBefore = isImport ? meaningBefore(piece.source) : null;
        List<SnippetEvent> events;
        try {
            events = shell.eval(piece.source);
        } finally {
            session.renderNext(null);
        }
        if (interrupted) {
            throw interruptedAt(cell, piece);
        }
        Object value = NO_VALUE;
        try {
            checkDependents(cell, piece, events, meantBefore);
        } finally {
            if (isImport) {
                SessionRebuild.restore(session, shell, before);
            }
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            snippetLines.put(snippet.id(), lineOf(cell, piece.start));
            if (event.status() == Snippet.Status.REJECTED) {
                CellException error = compileError(cell, piece, snippet);
                if (String.join("\n", error.lines()).contains("too many constants")) {
                    broken = true;
                }
                throw error;
            }
            if (event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED && waitsForDeclaration(snippet)) {
                // class Pa { Pb b; } before class Pb: declared once Pb is, as in JShell
                waiting.add(snippet);
            } else if (event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                // nothing was defined (e.g. "code too large"): JShell keeps such a snippet and may
                // fail every later one because of it, so it is dropped and reported
                CellException error = compileError(cell, piece, snippet);
                shell.drop(snippet);
                if (String.join("\n", error.lines()).contains("too many constants")) {
                    broken = true;
                }
                throw error;
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED) {
                waiting.add(snippet);
            }
            Exception e = event.exception();
            if (e instanceof UnresolvedReferenceException) {
                throw unresolved(cell, piece, (UnresolvedReferenceException) e);
            }
            if (e != null) {
                String name = ErrorFormat.className(e);
                List<String> lines = new ArrayList<>(ErrorFormat.runtimeError(e, this::cellLine));
                if (name.equals("java.lang.OutOfMemoryError")) {
                    lines.addAll(ErrorFormat.outOfMemoryAdvice(Runtime.getRuntime()));
                }
                throw new CellException(ErrorFormat.simpleName(name), e.getMessage() == null ? "" : e.getMessage(),
                        lines);
            }
            if (VALUE_KINDS.contains(snippet.subKind()) && event.value() != null && !piece.statement()) {
                value = session.lastValue();
                Throwable failed = session.renderError();
                if (render != null && failed != null) {
                    throw renderFailed(value, failed);
                }
                rendered = render == null ? null : session.rendered();
            }
        }
        return value;
    }

    /** The cell's value was computed but showing it threw (its toString, or a renderer). */
    private CellException renderFailed(Object value, Throwable e) {
        String type = value == null ? "null" : value.getClass().getSimpleName();
        String message = "the cell's value (a " + type + ") could not be shown: showing it threw "
                + ErrorFormat.simpleName(ErrorFormat.className(e))
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        List<String> lines = new ArrayList<>();
        lines.add(ErrorFormat.bold("Could not show the cell's value") + " (a " + type + "): its toString() or "
                + "its renderer threw an exception. The value itself was computed.");
        lines.addAll(ErrorFormat.runtimeError(e, this::cellLine));
        return new CellException(ErrorFormat.simpleName(ErrorFormat.className(e)), message, lines);
    }

    /**
     * Whether JShell kept a class or method undefined only because it names declarations that do not
     * exist yet (it has no error of its own): it becomes defined when they are. A variable is not
     * kept so: its value would never be computed, and a misspelt type is far likelier than a class
     * to come.
     */
    private boolean waitsForDeclaration(Snippet snippet) {
        return (snippet instanceof jdk.jshell.TypeDeclSnippet || snippet instanceof jdk.jshell.MethodSnippet)
                && shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet).findAny().isPresent()
                && shell.diagnostics(snippet).noneMatch(Diag::isError);
    }

    /** A snippet declared but unusable until something it names exists: said on stderr. */
    private void warnUnresolved(Snippet snippet) {
        String what = snippet instanceof jdk.jshell.DeclarationSnippet
                ? ((jdk.jshell.DeclarationSnippet) snippet).name() : "this snippet";
        String state = shell.status(snippet) == Snippet.Status.RECOVERABLE_DEFINED ? "defined" : "declared";
        System.err.println("Note: " + what + " is " + state + ", but cannot be used until " + whatIsMissing(snippet) + ".");
    }

    /**
     * "notYet is defined", or the compile error that keeps the snippet from running. JDK 17's JShell
     * compiles each method on its own: inside it, its name means only itself, so a call to another
     * overload of that name from an earlier snippet does not compile ("cannot be applied to given
     * types"); JDK 25's finds the overload.
     */
    private String whatIsMissing(Snippet snippet) {
        List<String> missing = snippet instanceof jdk.jshell.DeclarationSnippet
                ? shell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet).toList() : List.of();
        if (!missing.isEmpty()) {
            return String.join(", ", missing) + " is defined";
        }
        String error = shell.diagnostics(snippet).filter(Diag::isError).findFirst()
                .map(d -> d.getMessage(Locale.ENGLISH).lines().findFirst().orElse("")).orElse("");
        if (error.isEmpty()) {
            return "its errors are fixed";
        }
        String hint = snippet instanceof jdk.jshell.MethodSnippet m && error.contains("method " + m.name() + " ")
                ? " (in a notebook, a method cannot call another method of the same name, an overload, defined"
                + " in an earlier declaration: give one of them another name)" : "";
        return "its error is fixed: " + error + hint;
    }

    /**
     * Snippets of earlier cells that the piece changed (JShell reports them with the piece's
     * snippet as cause). A declaration that only takes the place of an earlier one of the same name
     * (a re-run cell, an import already in effect) is no change. An import that makes earlier
     * declarations unusable (e.g. java.awt.* after {@code List<String> names}: List becomes
     * ambiguous) is undone, which restores them with their values, and reported; a redefinition that
     * resets variables is said on stderr.
     */
    private void checkDependents(String cell, Piece piece, List<SnippetEvent> events, String meantBefore) throws CellException {
        List<Snippet> broken = new ArrayList<>();
        List<Snippet> replaced = new ArrayList<>();
        List<String> reset = new ArrayList<>();
        Snippet cause = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() == null || e.previousStatus() != Snippet.Status.VALID) {
                continue;
            }
            cause = e.causeSnippet();
            if (e.status() == Snippet.Status.OVERWRITTEN) {
                replaced.add(e.snippet());
            } else if (e.status() != Snippet.Status.VALID) {
                broken.add(e.snippet());
            } else if (e.snippet() instanceof jdk.jshell.VarSnippet) {
                reset.add(describeSnippet(e.snippet()));
            }
        }
        // import java.awt.List; after List<Integer> xs: JShell recompiles nothing, yet xs would break later
        List<String> renamed = new ArrayList<>();
        jdk.jshell.ImportSnippet imported = events.stream().filter(e -> e.causeSnippet() == null)
                .map(SnippetEvent::snippet).filter(jdk.jshell.ImportSnippet.class::isInstance)
                .map(jdk.jshell.ImportSnippet.class::cast).findFirst().orElse(null);
        if (broken.isEmpty() && imported != null && meantBefore != null && !meantBefore.equals(imported.fullname())) {
            java.util.regex.Pattern uses = java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(imported.name()) + "\\b");
            shell.snippets().filter(s -> s.kind() != Snippet.Kind.IMPORT && shell.status(s).isActive()
                    && uses.matcher(s.source()).find()).forEach(broken::add);
            if (!broken.isEmpty()) {
                renamed.add(imported.name() + ": " + meantBefore + " and " + imported.fullname());
                cause = imported;
            }
        }
        if (!broken.isEmpty() && cause instanceof jdk.jshell.ImportSnippet imp) {
            String reason = shell.diagnostics(broken.get(0)).filter(Diag::isError)
                    .map(d -> d.getMessage(Locale.ROOT)).findFirst().orElse("");
            shell.drop(imp);
            for (Snippet earlier : replaced) {
                shell.eval(earlier.source()); // an import this one took the place of stays in effect
            }
            List<String> clashes = renamed.isEmpty() ? clashes(imp, broken) : renamed;
            String message = imp.source().strip() + " was not applied: it would make "
                    + String.join(", ", broken.stream().map(Evaluator::describeSnippet).toList()) + " unusable ("
                    + (clashes.isEmpty() ? reason.replace('\n', ' ').replaceAll(" +", " ") : String.join("; ", clashes))
                    + "). Your variables are unchanged. Import only the classes you need (e.g. import java.awt.Color;) "
                    + "or write their full name (java.awt.Color).";
            throw new CellException("ImportConflict", message,
                    ErrorFormat.compileError(cell, piece.start, piece.start + piece.source.length(), message));
        }
        if (!broken.isEmpty()) {
            System.err.println("Note: this cell made " + String.join(", ", broken.stream().map(Evaluator::describeSnippet).toList())
                    + " unusable until what they use is defined again.");
        }
        if (!reset.isEmpty() && !(cause instanceof jdk.jshell.ImportSnippet)) {
            System.err.println("Note: " + String.join(", ", reset) + " had to be reset (to null or 0) because "
                    + "a type it uses was redefined; run the cell that sets it again.");
        }
    }

    /**
     * The simple names a refused type import would have given a second meaning, as
     * "List: java.util.List and java.awt.List" (the meaning in effect first): names used by the
     * declarations it broke that the import also brings. Asked of the compiler after the import
     * is undone; empty for a static import.
     */
    private List<String> clashes(jdk.jshell.ImportSnippet imp, List<Snippet> broken) {
        Snippet.SubKind kind = imp.subKind();
        boolean wildcard = kind == Snippet.SubKind.TYPE_IMPORT_ON_DEMAND_SUBKIND;
        if (!wildcard && kind != Snippet.SubKind.SINGLE_TYPE_IMPORT_SUBKIND) {
            return List.of();
        }
        Set<String> used = new LinkedHashSet<>();
        for (Snippet s : broken) {
            java.util.regex.Matcher m = IDENTIFIER.matcher(s.source());
            while (m.find()) {
                used.add(m.group());
            }
        }
        String pkg = imp.fullname().substring(0, imp.fullname().lastIndexOf('.'));
        List<String> clashes = new ArrayList<>();
        for (String name : used) {
            if (!wildcard && !name.equals(imp.name())) {
                continue;
            }
            String brought = qualifiedType(pkg + "." + name);
            String inEffect = qualifiedType(name);
            if (brought != null && inEffect != null && !brought.equals(inEffect)) {
                clashes.add(name + ": " + inEffect + " and " + brought);
            }
        }
        return clashes;
    }

    private static final java.util.regex.Pattern SINGLE_TYPE_IMPORT =
            java.util.regex.Pattern.compile("import\\s+[\\w.]+\\.([A-Z][\\w$]*)\\s*;\\s*");

    /**
     * For a single-type import (not static), the class its simple name means in the session before
     * it runs ("java.util.List" before import java.awt.List;), else null.
     */
    private String meaningBefore(String source) {
        java.util.regex.Matcher m = SINGLE_TYPE_IMPORT.matcher(source.strip());
        return m.matches() ? qualifiedType(m.group(1)) : null;
    }

    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("\\b[A-Z][\\w$]*");

    /** The full name of the class {@code name} means in the session, or null if it names none. */
    private String qualifiedType(String name) {
        return analysis.documentation(name, name.length(), false).stream()
                .map(d -> d.signature().replaceFirst("<.*", ""))
                .filter(sig -> !sig.contains("(") && !sig.contains(" ")).findFirst().orElse(null);
    }

    private static String describeSnippet(Snippet s) {
        if (s instanceof jdk.jshell.VarSnippet) {
            jdk.jshell.VarSnippet v = (jdk.jshell.VarSnippet) s;
            return "variable " + v.name() + " (" + v.typeName() + ")";
        }
        if (s instanceof jdk.jshell.MethodSnippet) {
            jdk.jshell.MethodSnippet m = (jdk.jshell.MethodSnippet) s;
            return "method " + m.name() + "(" + m.parameterTypes() + ")";
        }
        if (s instanceof jdk.jshell.TypeDeclSnippet) {
            return "class " + ((jdk.jshell.TypeDeclSnippet) s).name();
        }
        return s.source().strip();
    }

    /** The cell's rest cannot be compiled: say what is left open, where, and that none of it ran. */
    private static CellException incomplete(String cell, Piece piece, boolean first) {
        Unfinished.Reason why = Unfinished.of(piece.source());
        String message = "The cell is incomplete: " + why.message() + "; "
                + (first ? "nothing in the cell ran." : "the code from here on did not run.");
        int at = piece.start() + why.offset();
        return new CellException("IncompleteCell", message, ErrorFormat.compileError(cell, at, at + 1, message));
    }

    private CellException compileError(String cell, Piece piece, Snippet snippet) {
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) {
            String message = "the snippet was rejected: " + rejectionReason(snippet);
            return new CellException("CompileError", message,
                    ErrorFormat.compileError(cell, piece.start, piece.start + piece.source.length(), message));
        }
        List<String> lines = new ArrayList<>();
        for (Diag d : diags) {
            int start = piece.start + (int) Math.max(0, d.getStartPosition());
            int end = piece.start + (int) Math.max(d.getStartPosition() + 1, d.getEndPosition());
            lines.addAll(ErrorFormat.compileError(cell, start, end, message(d)));
        }
        String first = message(diags.get(0));
        for (jdk.jshell.TypeDeclSnippet t : shell.types().filter(t -> shell.status(t) == Snippet.Status.RECOVERABLE_NOT_DEFINED
                && diags.stream().anyMatch(d -> t.name().equals(marked(snippet, d)))).toList()) {
            String waits = t.name() + " is declared, but cannot be used until " + whatIsMissing(t) + ".";
            lines.add(waits);
            first = first + ": " + waits;
        }
        if (diags.stream().anyMatch(d -> d.getMessage(Locale.ROOT).contains("too large")
                || d.getMessage(Locale.ROOT).contains("too many constants"))) {
            lines.add(TOO_LARGE_ADVICE);
            first = first + ": " + TOO_LARGE_ADVICE;
        }
        return new CellException("CompileError", first, lines);
    }

    /** The code a diagnostic points at. */
    private static String marked(Snippet snippet, Diag d) {
        String source = snippet.source();
        long start = d.getStartPosition(), end = d.getEndPosition();
        return start >= 0 && start <= end && end <= source.length() ? source.substring((int) start, (int) end) : "";
    }

    /** javac's message without the empty "location: class" of JShell's nameless wrapper class. */
    private static String message(Diag d) {
        return d.getMessage(Locale.ROOT).lines().filter(l -> !l.strip().equals("location: class"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Why JShell refused a snippet that has no compile error of its own. */
    private String rejectionReason(Snippet snippet) {
        List<String> missing = snippet instanceof jdk.jshell.DeclarationSnippet d
                ? shell.unresolvedDependencies(d).toList() : List.of();
        if (!missing.isEmpty()) {
            return "it uses " + String.join(", ", missing) + ", which is not defined";
        }
        String notes = shell.diagnostics(snippet).map(d -> d.getMessage(Locale.ROOT).lines().findFirst().orElse(""))
                .filter(m -> !m.isBlank()).collect(java.util.stream.Collectors.joining("; "));
        return notes.isEmpty() ? "JShell left it " + shell.status(snippet) + " without saying why" : notes;
    }

    private CellException unresolved(String cell, Piece piece, UnresolvedReferenceException e) {
        Snippet s = e.getSnippet();
        String name = s instanceof jdk.jshell.DeclarationSnippet d ? d.name() : "this snippet";
        String message = name + " cannot run until " + whatIsMissing(s);
        return new CellException("UnresolvedReference", message,
                ErrorFormat.compileError(cell, piece.start, piece.start + piece.source.length(), message));
    }

    private CellException interruptedAt(String cell, Piece piece) {
        int line = lineOf(cell, piece.start);
        return new CellException("Interrupted", "the cell was interrupted at line " + line,
                ErrorFormat.interrupted(line));
    }

    private int cellLine(int snippetId, int snippetLine) {
        Integer start = snippetLines.get(Integer.toString(snippetId));
        return start == null ? -1 : start + snippetLine - 1;
    }

    private static int lineOf(String cell, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < cell.length(); i++) {
            if (cell.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * A snippet of a cell and its offset in the cell; {@code statement} when the student ended it
     * with its own semicolon, which (as a trailing ";" in IPython) keeps an expression's value
     * from being shown: {@code TourChecks.rowMeans(rowMeans);} prints its verdict without "true" below.
     */
    record Piece(String source, int start, boolean statement, boolean complete) {
        Piece(String source, int start) {
            this(source, start, false, true);
        }

        Piece(String source, int start, boolean statement) {
            this(source, start, statement, true);
        }
    }

    /** Splits a cell into JShell snippets; an incomplete tail is kept so it reports its own error. */
    List<Piece> split(String cell) {
        List<Piece> pieces = new ArrayList<>();
        int offset = 0;
        while (offset < cell.length()) {
            String rest = cell.substring(offset);
            CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            if (c == Completeness.EMPTY) {
                break;
            }
            int start = offset + leadingBlank(rest);
            if (!c.isComplete()) {
                pieces.add(new Piece(cell.substring(start), start, false, false));
                break;
            }
            int consumed = rest.length() - info.remaining().length();
            // JShell keeps leading blank lines in source(); positions must be relative to the code
            String source = info.source().stripLeading();
            int at = rest.indexOf(source);
            pieces.add(new Piece(source, at >= 0 && at < consumed ? offset + at : start,
                    lastCodeChar(rest.substring(0, consumed)) == ';'));
            offset += Math.max(consumed, 1);
        }
        return pieces;
    }

    /** The last character of {@code code} that is not blank or inside a comment (0 if none). */
    static char lastCodeChar(String code) {
        char last = 0;
        for (int i = 0; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (code.startsWith("//", i)) {
                int nl = code.indexOf('\n', i);
                i = nl < 0 ? code.length() : nl;
            } else if (code.startsWith("/*", i)) {
                int close = code.indexOf("*/", i + 2);
                i = close < 0 ? code.length() : close + 1;
            } else if (ch == '"' || ch == '\'') {
                int j = i + 1;
                while (j < code.length() && code.charAt(j) != ch) j += code.charAt(j) == '\\' ? 2 : 1;
                i = Math.min(j, code.length() - 1);
                last = ch;
            } else if (!Character.isWhitespace(ch)) {
                last = ch;
            }
        }
        return last;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length()) {
            if (Character.isWhitespace(s.charAt(i))) {
                i++;
            } else if (s.startsWith("//", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("/*", i)) {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? s.length() : close + 2;
            } else {
                break;
            }
        }
        return i;
    }

    /** The last snippet of {@code code} before {@code cursor} and its offset (for completion). */
    private Piece pieceAt(String code, int cursor) {
        String before = code.substring(0, Math.min(cursor, code.length()));
        Piece last = new Piece(code, 0);
        for (Piece p : split(before)) {
            last = p;
        }
        return new Piece(code.substring(last.start), last.start);
    }

    /** Completion candidates: {@code [start, end)} of the replaced text and the candidates. */
    public Completion complete(String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            int at = Math.max(0, Math.min(cursor, code.length()));
            return new Completion(List.of(), at, at); // a client's bad cursor: nothing to complete there
        }
        Piece p = pieceAt(code, cursor);
        int[] anchor = new int[1];
        Set<String> options = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : analysis.completionSuggestions(p.source, cursor - p.start, anchor)) {
            options.add(s.continuation());
        }
        return new Completion(List.copyOf(options), p.start + anchor[0], cursor);
    }

    public record Completion(List<String> options, int start, int end) {
    }

    /** Signatures and javadoc of what is at the cursor, or an empty string. */
    public String documentation(String code, int cursor) {
        if (cursor < 0 || cursor > code.length()) {
            return "";
        }
        Piece p = pieceAt(code, cursor);
        StringBuilder sb = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : analysis.documentation(p.source, cursor - p.start, true)) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(d.signature());
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                sb.append("\n").append(JavadocText.format(d.javadoc()));
            }
        }
        return sb.toString();
    }

    /** "complete", "invalid" or, for incomplete code, the indent of the next line. */
    public String isComplete(String code) {
        String rest = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return "complete";
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    if (info.remaining().isBlank()) {
                        return "complete";
                    }
                    rest = info.remaining();
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return indentAfter(code);
                default:
                    return "invalid";
            }
        }
    }

    private static String indentAfter(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String indent = last.substring(0, last.length() - last.stripLeading().length());
        String trimmed = last.strip();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }

    /**
     * Stops the running cell; the shell and its variables survive. The snippet's thread is
     * interrupted first, which ends {@code Thread.sleep}, {@code Object.wait}, interruptible IO and
     * training loops cleanly; what ignores interruption (a busy loop, a swallowed
     * InterruptedException) is stopped by JShell after a short grace period (longer inside DeepToy's
     * training, which stops cleanly between batches). Called from the control thread.
     */
    public void stop() {
        interrupted = true;
        session.cancel(true);
        Thread t = session.running();
        if (t == null) {
            return; // compiling or between snippets: the flag ends the cell before its next snippet
        }
        t.interrupt();
        try {
            t.join(session.training() ? TRAINING_GRACE_MS : STOP_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (session.running() != t) {
            return;
        }
        LiveExecutionControl.forceStop(t);
        shell.stop();
        // JDK 20+: stop() only raises JShell's flag, checked at the snippet's next loop or call, and
        // interrupts JShell's own thread, not this cell thread; a cell that caught the first interrupt
        // and sleeps again would never reach that check: wake it once more
        t.interrupt();
        try {
            t.join(STOP_GRACE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (session.running() == t) {
            // blocked in native code (e.g. ServerSocket.accept): nothing in the JVM can end it; System.err
            // is the running cell's stderr while it executes
            System.err.println(STUCK_MESSAGE);
        }
    }

    /**
     * An exception no code caught in a thread a cell started: shown on stderr of the running cell
     * (or the last one), as ipykernel does, with the thread's name.
     */
    private static void reportThreadFailure(Thread t, Throwable e) {
        StringBuilder sb = new StringBuilder();
        sb.append(ErrorFormat.bold("Exception in thread \"" + t.getName() + "\"")).append(" (started by a cell; "
                + "the thread ended, the kernel goes on):\n");
        for (String line : ErrorFormat.runtimeError(e, ErrorFormat.NO_SNIPPETS)) {
            sb.append(line).append('\n');
        }
        System.err.print(sb);
        System.err.flush();
    }

    static final String TOO_LARGE_ADVICE = "This snippet is bigger than Java can compile into one method (64 KB of "
            + "code, 65535 constants); nothing of it was defined. Build big arrays in a loop or read the values "
            + "from a file (e.g. Files.readAllLines) instead of writing them into the code.";

    /** Shown under a cell that no interrupt can stop. */
    static final String STUCK_MESSAGE = "This cell is blocked in a native call (such as a socket waiting for a "
            + "connection) that cannot be interrupted. Use Kernel > Restart to get a working kernel back "
            + "(variables are lost).";

    @Override
    public void close() {
        shell.close();
    }
}
