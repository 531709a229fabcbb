package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs notebook cells on JShell's local engine: a cell is split into snippets ({@link CellSplitter}),
 * each compiled and run in this JVM so results are live objects, and its errors are told in terms of
 * the cell's lines ({@link SnippetErrors}). Kernel > Interrupt stops the running cell ({@link #stop}).
 */
public final class Evaluator {
    private static final Set<Snippet.SubKind> VALUE_KINDS = Set.of(
            Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND, Snippet.SubKind.VAR_VALUE_SUBKIND,
            Snippet.SubKind.OTHER_EXPRESSION_SUBKIND);
    /** How long a snippet may take to honour Thread.interrupt before JShell stops it by force. */
    private static final long STOP_GRACE_MS = 300;
    /** DeepToy's fit checks for interruption between batches; a big batch may take a while. */
    private static final long TRAINING_GRACE_MS = 5000;

    private final NotebookShell shell;
    private final KernelSession session;
    private Function<Object, Object> renderer;
    /** The current cell's JShell (a rebuild after a broken snippet replaces the shell's). */
    private JShell jshell;
    /** The current cell's errors, told at its lines. */
    private SnippetErrors errors;
    /**
     * Declarations of the current cell that name something not defined yet; the cell ends with a
     * note for those still waiting (a later snippet of the same cell may define what they need).
     */
    private final List<Snippet> waiting = new ArrayList<>();
    /** JShell failed a snippet in a way that fails every later one ("too many constants"). */
    private boolean broken;
    /** Set by {@link #stop}; the running cell ends with an "Interrupted" error. */
    private volatile boolean interrupted;

    /** An evaluator with a shell of its own, outside a kernel, with the engine's imports: values render as text. */
    Evaluator() {
        this(new NotebookShell());
    }

    public Evaluator(NotebookShell shell) {
        this.shell = shell;
        this.session = shell.session();
    }

    /** The shell this evaluator's cells run in. */
    NotebookShell shell() {
        return shell;
    }

    /**
     * How the cell's value is shown (run in the cell's thread, so Kernel > Interrupt reaches an
     * endless toString); the cell's {@link CellResult.Value} carries what it made.
     */
    public void setRenderer(Function<Object, Object> render) {
        renderer = render;
    }

    /**
     * Runs a cell: its last snippet's value if that is an expression (rendered by the
     * {@link #setRenderer renderer}), no value, or its compile or runtime error, formatted for the student.
     */
    public CellResult eval(String cell) {
        jshell = shell.shell();
        errors = new SnippetErrors(jshell, cell);
        waiting.clear();
        broken = false;
        interrupted = false;
        session.cancel(false);
        List<CellSplitter.Piece> pieces = CellSplitter.split(shell.analysis(), cell);
        try {
            return evalPieces(cell, pieces);
        } catch (CellException e) {
            noteWaiting();
            return new CellResult.Failed(broken ? rebuiltAfter(e) : e);
        }
    }

    /** The error after which JShell could compile nothing more, with the report of the session that replaces it. */
    private CellException rebuiltAfter(CellException e) {
        List<String> lines = new ArrayList<>(e.lines());
        lines.add("");
        lines.add(ErrorFormat.bold("JShell could not compile anything after this snippet") + " (a known JShell "
                + "limit: \"too many constants\").");
        lines.addAll(shell.rebuild());
        return new CellException(e.name(), e.getMessage(), lines);
    }

    private CellResult evalPieces(String cell, List<CellSplitter.Piece> pieces) throws CellException {
        CellResult value = CellResult.NO_VALUE;
        for (int i = 0; i < pieces.size(); i++) {
            CellSplitter.Piece piece = pieces.get(i);
            if (interrupted) {
                throw errors.interruptedAt(piece);
            }
            if (!piece.complete()) {
                throw errors.incomplete(piece, i == 0);
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
            Snippet.Status status = jshell.status(s);
            if (status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                errors.warnUnresolved(s);
            }
        }
        waiting.clear();
    }

    private CellResult evalPiece(String cell, CellSplitter.Piece piece, Function<Object, Object> render) throws CellException {
        session.clearValue();
        session.renderNext(render);
        DependentSnippets dependents = new DependentSnippets(jshell, shell.analysis());
        // an import makes JShell recompile earlier declarations, which resets their variables
        boolean isImport = piece.source().startsWith("import ");
        Map<jdk.jshell.VarSnippet, Object> before = isImport ? SessionRebuild.values(session, jshell) : Map.of();
        String meantBefore = isImport ? dependents.meaningBefore(piece.source()) : null;
        List<SnippetEvent> events;
        try {
            events = jshell.eval(piece.source());
        } finally {
            session.renderNext(null);
        }
        if (interrupted) {
            throw errors.interruptedAt(piece);
        }
        CellResult value = CellResult.NO_VALUE;
        try {
            dependents.check(cell, piece, events, meantBefore);
        } finally {
            if (isImport) {
                SessionRebuild.restore(session, jshell, before);
            }
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            errors.madeOf(snippet, piece);
            if (event.status() == Snippet.Status.REJECTED) {
                throw compileError(piece, snippet);
            }
            if (event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED && waitsForDeclaration(snippet)) {
                // class Pa { Pb b; } before class Pb: declared once Pb is, as in JShell
                waiting.add(snippet);
            } else if (event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                // nothing was defined (e.g. "code too large"): JShell keeps such a snippet and may
                // fail every later one because of it, so it is dropped and reported
                CellException error = compileError(piece, snippet);
                jshell.drop(snippet);
                throw error;
            }
            if (event.status() == Snippet.Status.RECOVERABLE_DEFINED) {
                waiting.add(snippet);
            }
            Exception e = event.exception();
            if (e instanceof UnresolvedReferenceException) {
                throw errors.unresolved(piece, (UnresolvedReferenceException) e);
            }
            if (e != null) {
                throw errors.thrown(e);
            }
            if (VALUE_KINDS.contains(snippet.subKind()) && event.value() != null && !piece.statement()) {
                KernelSession.SnippetValue v = session.value();
                if (v == null) {
                    v = new KernelSession.SnippetValue(null, null, null);
                }
                if (render != null && v.renderError() != null) {
                    throw errors.renderFailed(v.value(), v.renderError());
                }
                value = new CellResult.Value(v.value(), v.shown());
            }
        }
        return value;
    }

    /** The snippet's compile error; one that fails every later snippet ("too many constants") marks the shell broken. */
    private CellException compileError(CellSplitter.Piece piece, Snippet snippet) {
        CellException error = errors.compileError(piece, snippet);
        if (String.join("\n", error.lines()).contains("too many constants")) {
            broken = true;
        }
        return error;
    }

    /**
     * Whether JShell kept a class or method undefined only because it names declarations that do not
     * exist yet (it has no error of its own): it becomes defined when they are. A variable is not
     * kept so: its value would never be computed, and a misspelt type is far likelier than a class
     * to come.
     */
    private boolean waitsForDeclaration(Snippet snippet) {
        return (snippet instanceof jdk.jshell.TypeDeclSnippet || snippet instanceof jdk.jshell.MethodSnippet)
                && jshell.unresolvedDependencies((jdk.jshell.DeclarationSnippet) snippet).findAny().isPresent()
                && jshell.diagnostics(snippet).noneMatch(Diag::isError);
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
        shell.shell().stop();
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


    /** Shown under a cell that no interrupt can stop. */
    static final String STUCK_MESSAGE = "This cell is blocked in a native call (such as a socket waiting for a "
            + "connection) that cannot be interrupted. Use Kernel > Restart to get a working kernel back "
            + "(variables are lost).";
}
