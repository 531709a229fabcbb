package org.deeptoy.kernel.jshell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;

/**
 * A cell's errors in the student's terms: what JShell and javac say about its snippets, and what its
 * code threw, as {@link CellException}s that point at the cell's own lines. One per cell run.
 */
final class SnippetErrors {
    private final JShell shell;
    private final String cell;
    /** Snippet id to the cell line (1-based) where the snippet starts. */
    private final Map<String, Integer> snippetLines = new HashMap<>();

    SnippetErrors(JShell shell, String cell) {
        this.shell = shell;
        this.cell = cell;
    }

    /** The snippet JShell made of {@code piece}: its stack frames are shown at the piece's cell lines. */
    void madeOf(Snippet snippet, CellSplitter.Piece piece) {
        snippetLines.put(snippet.id(), lineOf(cell, piece.start()));
    }

    /** What the snippet's code threw, with its stack trace at the cell's lines. */
    CellException thrown(Exception e) {
        String name = ErrorFormat.className(e);
        List<String> lines = new ArrayList<>(ErrorFormat.runtimeError(e, this::cellLine));
        if (name.equals("java.lang.OutOfMemoryError")) {
            lines.addAll(ErrorFormat.outOfMemoryAdvice(Runtime.getRuntime()));
        }
        return new CellException(ErrorFormat.simpleName(name), e.getMessage() == null ? "" : e.getMessage(), lines);
    }

    /** The cell's value was computed but showing it threw (its toString, or a renderer). */
    CellException renderFailed(Object value, Throwable e) {
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

    /** A snippet declared but unusable until something it names exists: said on stderr. */
    void warnUnresolved(Snippet snippet) {
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
    String whatIsMissing(Snippet snippet) {
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

    /** The cell's rest cannot be compiled: say what is left open, where, and that none of it ran. */
    CellException incomplete(CellSplitter.Piece piece, boolean first) {
        Unfinished.Reason why = Unfinished.of(piece.source());
        String message = "The cell is incomplete: " + why.message() + "; "
                + (first ? "nothing in the cell ran." : "the code from here on did not run.");
        int at = piece.start() + why.offset();
        return new CellException("IncompleteCell", message, ErrorFormat.compileError(cell, at, at + 1, message));
    }

    CellException compileError(CellSplitter.Piece piece, Snippet snippet) {
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) {
            String message = "the snippet was rejected: " + rejectionReason(snippet);
            return new CellException("CompileError", message,
                    ErrorFormat.compileError(cell, piece.start(), piece.start() + piece.source().length(), message));
        }
        List<String> lines = new ArrayList<>();
        for (Diag d : diags) {
            int start = piece.start() + (int) Math.max(0, d.getStartPosition());
            int end = piece.start() + (int) Math.max(d.getStartPosition() + 1, d.getEndPosition());
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

    CellException unresolved(CellSplitter.Piece piece, UnresolvedReferenceException e) {
        Snippet s = e.getSnippet();
        String name = s instanceof jdk.jshell.DeclarationSnippet d ? d.name() : "this snippet";
        String message = name + " cannot run until " + whatIsMissing(s);
        return new CellException("UnresolvedReference", message,
                ErrorFormat.compileError(cell, piece.start(), piece.start() + piece.source().length(), message));
    }

    CellException interruptedAt(CellSplitter.Piece piece) {
        int line = lineOf(cell, piece.start());
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
     * An exception no code caught in a thread a cell started: shown on stderr of the running cell
     * (or the last one), as ipykernel does, with the thread's name.
     */
    static void reportThreadFailure(Thread t, Throwable e) {
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
}
